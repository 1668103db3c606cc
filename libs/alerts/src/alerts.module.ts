import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { Alert } from './alert.entity';
import { AlertCreationWriter } from './alert-creation.writer';
import { AlertEngine } from './alert-engine';
import { AlertFiringWriter } from './alert-firing.writer';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { AlertCommands } from './alerts.telegram';

/** Price alerts: REST, the trigger-index engine and its firing writer. */
@Module({
  imports: [MikroOrmModule.forFeature([Alert])],
  controllers: [AlertsController],
  providers: [AlertsRepository, AlertsService, AlertEngine, AlertFiringWriter, AlertCreationWriter, AlertCommands],
  exports: [AlertsService, AlertEngine],
})
export class AlertsModule {}
