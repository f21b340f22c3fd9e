// Users in the resource-service's own database. Plain objects out; Prisma stays here.
import type { Database } from "../db.js";
import type { ProfileChanges } from "./schemas.js";

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  handle: string | null;
  displayName: string | null;
  bio: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export class HandleTakenError extends Error {
  override name = "HandleTakenError";
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";

export function userRepository(db: Database) {
  return {
    /** Creates the user, or brings email and name in step with the token (one statement). */
    upsertFromClaims(id: string, email: string, name: string): Promise<UserRecord> {
      return db.user.upsert({ where: { id }, create: { id, email, name }, update: { email, name } });
    },
    find(id: string): Promise<UserRecord | null> {
      return db.user.findUnique({ where: { id } });
    },
    async update(id: string, changes: ProfileChanges): Promise<UserRecord> {
      try {
        return await db.user.update({ where: { id }, data: changes });
      } catch (error: unknown) {
        if (isUniqueViolation(error)) throw new HandleTakenError();
        throw error;
      }
    },
  };
}

export type UserRepository = ReturnType<typeof userRepository>;
