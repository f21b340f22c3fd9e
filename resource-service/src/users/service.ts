// The caller's local profile. It is created from the token's claims on the
// first authenticated request that needs it and kept in step (email, name)
// when the claims change; the auth-service's tables are never read. A small
// in-process memory of what was last written avoids a database write per
// request.
import { HttpProblem, isStorableText } from "@authbridge/service-kit";
import type { Principal } from "@authbridge/verifier";
import type { z } from "zod";
import { HandleTakenError, type UserRecord, type UserRepository } from "./repository.js";
import type { ownProfile as ownProfileSchema, ProfileChanges, publicProfile as publicProfileSchema } from "./schemas.js";

/** What anyone may see of a user (the schema it is sent through, decoded: dates are Dates). */
export type PublicProfile = z.output<typeof publicProfileSchema>;

/** The caller's own profile. */
export type OwnProfile = z.output<typeof ownProfileSchema>;

const MEMORY = 10_000;

export function userService(users: UserRepository) {
  const synced = new Map<string, string>();

  function remember(id: string, fingerprint: string): void {
    synced.delete(id);
    synced.set(id, fingerprint);
    if (synced.size > MEMORY) synced.delete(synced.keys().next().value as string);
  }

  function claimsOf(principal: Principal): { email: string; name: string } {
    const email = principal.email ?? "";
    return { email, name: principal.name ?? email };
  }

  return {
    /** Makes sure the caller has a profile matching the token's claims; returns it when it had to write. */
    async ensure(principal: Principal): Promise<UserRecord | undefined> {
      const { email, name } = claimsOf(principal);
      const fingerprint = `${email}\n${name}`;
      if (synced.get(principal.sub) === fingerprint) return undefined;
      const user = await users.upsertFromClaims(principal.sub, email, name);
      remember(principal.sub, fingerprint);
      return user;
    },

    async me(principal: Principal): Promise<OwnProfile> {
      const user = (await this.ensure(principal)) ?? (await users.find(principal.sub));
      if (!user) {
        // Remembered but gone (deleted by an operator): write it again.
        synced.delete(principal.sub);
        return ownProfile((await this.ensure(principal)) as UserRecord);
      }
      return ownProfile(user);
    },

    async update(principal: Principal, changes: ProfileChanges): Promise<OwnProfile> {
      await this.ensure(principal);
      try {
        return ownProfile(await users.update(principal.sub, changes));
      } catch (error: unknown) {
        if (error instanceof HandleTakenError) throw new HttpProblem(409, "handle_taken", "That handle is taken; choose another.");
        throw error;
      }
    },

    async publicProfile(id: string): Promise<PublicProfile> {
      // An id that is not storable text names no user (no token's sub can hold one).
      const user = isStorableText(id) ? await users.find(id) : null;
      if (!user) throw new HttpProblem(404, "not_found", "No user has this id.");
      return publicProfile(user);
    },
  };
}

export type UserService = ReturnType<typeof userService>;

function publicProfile(user: UserRecord): PublicProfile {
  return { id: user.id, name: user.name, handle: user.handle, displayName: user.displayName, bio: user.bio, createdAt: user.createdAt };
}

function ownProfile(user: UserRecord): OwnProfile {
  return { ...publicProfile(user), email: user.email, updatedAt: user.updatedAt };
}
