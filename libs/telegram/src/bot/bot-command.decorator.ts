// @BotCommand registers a telegraf command with nestjs-telegraf and records it for /help, setMyCommands and
// the unknown-command reply. Each plugin declares its own commands with it, beside its service.
import { applyDecorators } from '@nestjs/common';
import { Command } from 'nestjs-telegraf';

export interface BotCommandInfo {
  name: string;
  /** shown by /help and in Telegram's command menu, e.g. "<symbol> <above|below|crosses> <price> — set an alert" */
  usage: string;
}

const commands = new Map<string, BotCommandInfo>();

export function BotCommand(name: string, usage: string): MethodDecorator {
  commands.set(name, { name, usage });
  return applyDecorators(Command(name));
}

export function registeredCommands(): BotCommandInfo[] {
  return [...commands.values()];
}

export function isRegisteredCommand(name: string): boolean {
  return commands.has(name);
}
