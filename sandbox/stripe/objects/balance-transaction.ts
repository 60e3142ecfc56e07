// Builds a Stripe Customer Balance Transaction (a credit is a negative amount).
import type Stripe from 'stripe';

export interface BalanceTransactionFields {
  id: string;
  created: number;
  customer: string;
  amount: number;
  currency: string;
  description: string | null;
  endingBalance: number;
  invoice: string | null;
  type: Stripe.CustomerBalanceTransaction.Type;
  metadata: Record<string, string> | null;
}

export function buildBalanceTransaction(f: BalanceTransactionFields): Stripe.CustomerBalanceTransaction {
  return {
    id: f.id,
    object: 'customer_balance_transaction',
    amount: f.amount,
    checkout_session: null,
    created: f.created,
    credit_note: null,
    currency: f.currency,
    customer: f.customer,
    customer_account: null,
    description: f.description,
    ending_balance: f.endingBalance,
    invoice: f.invoice,
    livemode: false,
    metadata: f.metadata,
    type: f.type,
  } satisfies Stripe.CustomerBalanceTransaction;
}
