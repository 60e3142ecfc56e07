// What every adapter must do with what people do, written once and run against each adapter with its emulator: neutral events in, rendered replies out.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundEvent, Reply } from '../../core/inbound/types';
import type { PlatformAdapter } from '../../core/platform/adapter';
import { until } from '../../core/testing/until';
import type { Recipient } from '../../core/types';

/** Someone with a private chat with the bot. */
export interface InboundPerson {
  userId: string;
  /** Their private chat with the bot, as the adapter's events name it. */
  chat: Recipient;
}

/** A message the bot sent, as it stands now in the emulator. */
export interface ReceivedMessage {
  id: string;
  /** The text as a person reads it (markup applied, not shown). */
  text: string;
  /** Every button under it, rows flattened: a link has `url`, an action `data`. */
  buttons: { label: string; url?: string | undefined; data?: string | undefined }[];
}

/** What a platform's test gives the suite: the adapter (not started), people, and hooks into its emulator. */
export interface InboundHarness {
  adapter: Pick<PlatformAdapter, 'name' | 'capabilities' | 'start' | 'stop'>;
  /** A person who can write to the bot; the suite passes small numbers (1, 2, ...). */
  person(n: number): InboundPerson | Promise<InboundPerson>;
  /**
   * The person writes `text` (a command when it starts with "/") in their private chat with the bot.
   * Text that is not a command must reach the emulator even where the adapter cannot read it
   * (capabilities.freeText false): the suite then checks that nothing comes of it.
   */
  say(person: InboundPerson, text: string): Promise<void>;
  /** The person presses the action button carrying `data` under message `messageId`. */
  pressButton(person: InboundPerson, messageId: string, data: string): Promise<void>;
  /** The bot's messages in the person's private chat, oldest first. */
  received(person: InboundPerson): ReceivedMessage[] | Promise<ReceivedMessage[]>;
  /** Every text the person saw from the bot in order: each message as sent, then each edit as a new entry. */
  transcript(person: InboundPerson): string[] | Promise<string[]>;
  stop(): Promise<void>;
}

const PAY_URL = 'http://127.0.0.1:1/pay?plan=vip';

/** Runs the inbound contract against one adapter; `setup` starts a fresh emulator and adapter for each test. */
export function describeInboundContract(name: string, setup: () => Promise<InboundHarness>): void {
  describe(`inbound contract: ${name}`, () => {
    let h: InboundHarness;
    let events: InboundEvent[];
    let answer: (event: InboundEvent) => Promise<readonly Reply[] | void>;

    beforeEach(async () => {
      h = await setup();
      events = [];
      answer = async () => undefined;
      await h.adapter.start(async (event) => {
        events.push(event);
        return answer(event);
      });
    });
    afterEach(async () => {
      await h.adapter.stop();
      await h.stop();
    });

    const received = async (p: InboundPerson, count: number) => until(async () => {
      const messages = await h.received(p);
      return messages.length >= count ? messages : undefined;
    }, `${count} message(s) from the bot`);

    it('turns a command into the neutral command event, naming the person and their private chat', async () => {
      const p = await h.person(1);
      await h.say(p, '/start ref_42');
      const [event] = await until(() => (events.length > 0 ? events : undefined), 'the command event');
      expect(event).toMatchObject({ type: 'command', command: 'start', args: 'ref_42', isPrivate: true });
      if (event?.type !== 'command') throw new Error('not a command');
      expect(event.actor).toMatchObject({ platform: h.adapter.name, platformUserId: p.userId });
      expect(event.chat).toMatchObject({ platform: h.adapter.name, chatId: p.chat.chatId });
    });

    it('turns free text in a private chat into a text event where the platform delivers it (capabilities.freeText), and never makes one up where it does not', async () => {
      const p = await h.person(2);
      await h.say(p, 'hello, is this the signals bot?');
      if (h.adapter.capabilities.freeText) {
        const [event] = await until(() => (events.length > 0 ? events : undefined), 'the text event');
        expect(event).toMatchObject({ type: 'text', text: 'hello, is this the signals bot?', isPrivate: true, actor: { platformUserId: p.userId } });
        return;
      }
      // The text reached the platform first; a command after it arrives on the same way in, so whatever the text made would come first.
      await h.say(p, '/help');
      const [event] = await until(() => (events.length > 0 ? events : undefined), 'the command after the text');
      expect(event).toMatchObject({ type: 'command', command: 'help', actor: { platformUserId: p.userId } });
      expect(events.filter((e) => e.type === 'text')).toEqual([]);
    });

    it('sends the replies back to the chat the command came from, text as written', async () => {
      const p = await h.person(3);
      answer = async () => [{ text: 'Welcome <friend> & thanks' }, { text: 'Second line of news' }];
      await h.say(p, '/start');
      const messages = await received(p, 2);
      expect(messages.map((m) => m.text)).toEqual(['Welcome <friend> & thanks', 'Second line of news']);
    });

    it('renders a link as a button where the platform has buttons, else writes the link in the text', async () => {
      const p = await h.person(4);
      answer = async () => [{ text: 'Choose a plan', buttons: [[{ label: 'Pay now', url: PAY_URL }]] }];
      await h.say(p, '/subscribe');
      const [message] = await received(p, 1);
      expect(message!.text).toContain('Choose a plan');
      if (h.adapter.capabilities.buttons) {
        expect(message!.buttons).toEqual([{ label: 'Pay now', url: PAY_URL }]);
      } else {
        expect(message!.buttons).toEqual([]);
        expect(message!.text).toContain(PAY_URL);
      }
    });

    it('brings a pressed button back as a button event with its data, where the platform has buttons (else names the choice in the text)', async () => {
      const p = await h.person(5);
      answer = async (event) => (event.type === 'command' ? [{ text: 'Which plan?', buttons: [[{ label: 'VIP plan', data: 'plan:vip' }]] }] : undefined);
      await h.say(p, '/plans');
      const [message] = await received(p, 1);
      if (!h.adapter.capabilities.buttons) {
        expect(message!.buttons).toEqual([]);
        expect(message!.text).toContain('VIP plan');
        return;
      }
      expect(message!.buttons).toEqual([{ label: 'VIP plan', data: 'plan:vip' }]);
      await h.pressButton(p, message!.id, 'plan:vip');
      const pressed = await until(() => events.find((e) => e.type === 'button'), 'the button event');
      expect(pressed).toMatchObject({ type: 'button', data: 'plan:vip', messageId: message!.id, actor: { platformUserId: p.userId }, chat: { chatId: p.chat.chatId } });
    });

    it('replaces the message a button was on when the reply edits it, where the platform edits', async () => {
      const p = await h.person(6);
      answer = async (event) => {
        if (event.type === 'command') return [{ text: 'Which plan?', buttons: [[{ label: 'VIP plan', data: 'plan:vip' }]] }];
        if (event.type === 'button') return [{ text: 'You chose VIP', editMessageId: event.messageId }];
        return undefined;
      };
      await h.say(p, '/plans');
      const [message] = await received(p, 1);
      if (!h.adapter.capabilities.buttons || !h.adapter.capabilities.edits) return expect(message!.buttons).toEqual([]);
      await h.pressButton(p, message!.id, 'plan:vip');
      await until(async () => (await h.received(p))[0]?.text === 'You chose VIP', 'the edited message');
      expect((await h.received(p)).map((m) => m.id)).toEqual([message!.id]);
    });

    it('answers a slow command with the quick acknowledgement first and the answer after, when the platform has a deadline', async () => {
      const p = await h.person(7);
      const deadline = h.adapter.capabilities.ackWithinMs;
      answer = async () => {
        // Slow on purpose: with a deadline, the answer waits until the acknowledgement has arrived; without, a moment.
        if (deadline !== undefined) await until(async () => (await h.transcript(p)).length > 0, 'the acknowledgement');
        else await new Promise((r) => setTimeout(r, 20));
        return [{ text: 'Here is your status' }];
      };
      await h.say(p, '/status');
      const transcript = await until(async () => {
        const t = await h.transcript(p);
        return t.at(-1) === 'Here is your status' ? t : undefined;
      }, 'the answer');
      if (deadline === undefined) expect(transcript).toEqual(['Here is your status']);
      else expect(transcript).toEqual([expect.stringMatching(/working on it/i), 'Here is your status']);
    });
  });
}
