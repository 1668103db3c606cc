// What the server tells the plugin at composition time (things the profile does not hold).

export interface NotificationsModuleOptions {
  /**
   * Webhook targets allowed although they are private, loopback or link-local: `host` or `host:port`
   * (e.g. `127.0.0.1:8080`, `hooks.internal`). Empty: every such target is refused.
   */
  webhookAllowlist?: string[];
}

export const NOTIFICATIONS_OPTIONS = Symbol('NOTIFICATIONS_OPTIONS');
