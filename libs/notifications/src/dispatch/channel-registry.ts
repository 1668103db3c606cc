// The channels of this process, found by their @NotificationChannel decorator.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ChannelSender, NotificationChannel } from '../channels/notification-channel';

@Injectable()
export class ChannelRegistry implements OnModuleInit {
  private readonly channels = new Map<string, ChannelSender>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: NotificationChannel.KEY })) {
      const name = this.discovery.getMetadataByDecorator(NotificationChannel, wrapper);
      if (name && wrapper.instance) this.channels.set(name, wrapper.instance as ChannelSender);
    }
  }

  get names(): string[] {
    return [...this.channels.keys()];
  }

  get(name: string): ChannelSender | undefined {
    return this.channels.get(name);
  }
}
