// Stripe's test card numbers and what each one does when it is saved and when it is charged.

/** What happens to a charge: approved, or declined with Stripe's codes and the customer-facing message. */
export type ChargeResult = { ok: true } | { ok: false; code: string; declineCode: string | undefined; message: string };

export interface CardBehaviour {
  /** The outcome when the card is entered at checkout (saving it, and paying what is due today). */
  atCheckout: ChargeResult;
  /** The outcome of later, off-session charges (renewals, the end of a trial). */
  later: ChargeResult;
}

const OK: ChargeResult = { ok: true };

function declined(declineCode: string, message: string, code = 'card_declined'): ChargeResult {
  return { ok: false, code, declineCode: code === 'card_declined' ? declineCode : undefined, message };
}

const GENERIC = declined('generic_decline', 'Your card was declined.');

const SPECIAL: Record<string, CardBehaviour> = {
  '4000000000000002': { atCheckout: GENERIC, later: GENERIC },
  '4000000000009995': { atCheckout: declined('insufficient_funds', 'Your card has insufficient funds.'), later: declined('insufficient_funds', 'Your card has insufficient funds.') },
  '4000000000009987': { atCheckout: declined('lost_card', 'Your card was declined.'), later: declined('lost_card', 'Your card was declined.') },
  '4000000000000069': { atCheckout: declined('expired_card', 'Your card has expired.', 'expired_card'), later: declined('expired_card', 'Your card has expired.', 'expired_card') },
  '4000000000000127': { atCheckout: declined('incorrect_cvc', "Your card's security code is incorrect.", 'incorrect_cvc'), later: GENERIC },
  // Saving succeeds but every charge fails: a trial starts, and the first real charge is declined.
  '4000000000000341': { atCheckout: OK, later: GENERIC },
};

/** The digits of a card number as typed ("4242 4242 4242 4242" -> "4242424242424242"). */
export function normaliseCardNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** How a card number behaves: test declines by number, bad numbers refused, any other valid number works. */
export function cardBehaviour(input: string): CardBehaviour {
  const digits = normaliseCardNumber(input);
  if (!/^\d{12,19}$/.test(digits) || !luhnValid(digits)) {
    const bad = declined('incorrect_number', 'Your card number is incorrect.', 'incorrect_number');
    return { atCheckout: bad, later: bad };
  }
  return SPECIAL[digits] ?? { atCheckout: OK, later: OK };
}
