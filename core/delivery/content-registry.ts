// Content builders by content type ('signal', 'notice', ...): the dispatcher's ContentResolver is this registry.
import { SignalcastError } from '../errors';
import type { OutboundMessage } from '../types';
import type { ContentResolver } from './content';
import type { DueDelivery } from './ports';

/**
 * Builds the message of one content type's deliveries at send time. Same error rules as
 * ContentResolver: SignalcastError('not_found') when the content is gone, anything else is retried.
 */
export interface ContentBuilder<M extends OutboundMessage | Promise<OutboundMessage> = OutboundMessage | Promise<OutboundMessage>> {
  build(delivery: DueDelivery, now: number): M;
}

/**
 * A ContentResolver that hands each delivery to the builder registered for its content type.
 * `M` is what its builders return: OutboundMessage when all of them answer at once.
 */
export class ContentRegistry<M extends OutboundMessage | Promise<OutboundMessage> = OutboundMessage | Promise<OutboundMessage>> implements ContentResolver {
  private readonly builders = new Map<string, ContentBuilder<M>>();

  /** Registers the builder of one content type; registering a type twice is a bug. */
  register(contentType: string, builder: ContentBuilder<M>): this {
    if (this.builders.has(contentType)) throw new SignalcastError('internal', `a content builder for ${contentType} deliveries is already registered`);
    this.builders.set(contentType, builder);
    return this;
  }

  /** The content types with a builder. */
  get contentTypes(): string[] {
    return [...this.builders.keys()];
  }

  resolve(delivery: DueDelivery, now: number): M {
    const builder = this.builders.get(delivery.contentType);
    if (!builder) throw new SignalcastError('not_found', `no content builder for ${delivery.contentType} deliveries`);
    return builder.build(delivery, now);
  }
}
