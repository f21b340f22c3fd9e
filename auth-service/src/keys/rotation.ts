// When each signing key signs, is published and is retired.
//
//   published  a key is in the JWKS from the moment it is created;
//   signing    it signs only once it has been published for `publishAheadMs`
//              (at least the verifiers' JWKS cache lifetime plus their refetch
//              cooldown), so every verifier can know it before the first token
//              it signed arrives; the newest such key signs;
//   retired    a key that a newer one replaced stays published for
//              `retireAfterMs` (the token lifetime plus margins) after the
//              replacement, so every token it signed can still be verified,
//              then leaves the JWKS;
//   scheduled  a key is replaced `rotationIntervalMs` after it was created: its
//              successor is created `publishAheadMs` before that, and signs
//              from then on.
//
// While no key has been published long enough (the very first key, at first
// start), the oldest live key signs: there is nothing else to sign with.
import type { StoredKey } from "./key-store.js";

export interface RotationPolicy {
  publishAheadMs: number;
  /** 0 turns scheduled rotation off. */
  rotationIntervalMs: number;
  retireAfterMs: number;
}

export interface KeyPlan {
  /** The key that signs now, if any key is live. */
  signing: StoredKey | undefined;
  /** Older live keys the signing key replaced, to retire at the given time. */
  retire: Array<{ id: string; at: Date }>;
  /** Whether the next key must be created now (scheduled rotation). */
  createNext: boolean;
}

export const isLive = (key: StoredKey, now: number) => !key.expiresAt || key.expiresAt.getTime() > now;

export function planKeys(keys: readonly StoredKey[], now: number, policy: RotationPolicy): KeyPlan {
  const live = keys.filter((key) => isLive(key, now)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const activated = live.filter((key) => key.createdAt.getTime() + policy.publishAheadMs <= now);
  const signing = activated.at(-1) ?? live[0];
  if (!signing) return { signing: undefined, retire: [], createNext: false };

  const retireAt = new Date(now + policy.retireAfterMs);
  const retire = live.filter((key) => key.createdAt < signing.createdAt && !key.expiresAt).map((key) => ({ id: key.id, at: retireAt }));

  const pending = live.some((key) => key.createdAt > signing.createdAt);
  const createNext = policy.rotationIntervalMs > 0 && !pending && now >= signing.createdAt.getTime() + policy.rotationIntervalMs - policy.publishAheadMs;
  return { signing, retire, createNext };
}
