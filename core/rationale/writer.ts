// writeRationale: asks the model once for a signal's rationale, checks the answer, and falls back to the template with its reason.
import type { Clock } from '../clock';
import { rationaleText } from '../content/words';
import type { Logger } from '../logger';
import type { RationaleBody, Signal } from '../types';
import { checkAnswer } from './check';
import { RationaleModelError, type RationaleModel, type TemplateReason, type WrittenRationale } from './ports';
import { rationalePrompt } from './prompt';
import { templateRationale } from './template';

export interface WriterDeps {
  /** Null: no model is set (no key, no base URL): the template, reason no_model. */
  model: RationaleModel | null;
  clock: Clock;
  logger: Logger;
  /** Aborts the call (at shutdown); the template is used then, reason timeout. */
  signal?: AbortSignal | undefined;
}

function written(body: RationaleBody, fields: Omit<WrittenRationale, 'body' | 'text'>): WrittenRationale {
  return { body, text: rationaleText(body), ...fields };
}

/**
 * The signal's rationale, written once: the model's checked answer, or the template from the
 * reasons with why (no_model, timeout, rate_limited, unavailable, unparsable, empty, contradiction,
 * error). Never throws for the model's sake; tokens are counted even when the answer is discarded.
 */
export async function writeRationale(signal: Signal, deps: WriterDeps): Promise<WrittenRationale> {
  const started = deps.clock.now();
  const template = (reason: TemplateReason, tokens = { promptTokens: 0, completionTokens: 0 }) =>
    written(templateRationale(signal), { source: 'template', reason, model: null, ...tokens, latencyMs: deps.clock.now() - started });
  if (!deps.model) return template('no_model');
  let answer;
  try {
    answer = await deps.model.complete(rationalePrompt(signal), { signal: deps.signal ?? new AbortController().signal });
  } catch (err) {
    const reason: TemplateReason = err instanceof RationaleModelError ? err.failure : 'error';
    deps.logger.warn({ signalId: signal.id, reason, err }, `the model wrote no rationale (${reason}: ${(err as Error).message}); the template from the reasons is used`);
    return template(reason);
  }
  const checked = checkAnswer(answer.body, signal);
  const tokens = { promptTokens: answer.promptTokens, completionTokens: answer.completionTokens };
  if (!checked.ok) {
    deps.logger.warn({ signalId: signal.id, reason: checked.reason, detail: checked.detail }, `the model's rationale was discarded (${checked.detail}); the template from the reasons is used`);
    return template(checked.reason, tokens);
  }
  return written(checked.body, { source: 'model', reason: null, model: answer.model, ...tokens, latencyMs: deps.clock.now() - started });
}
