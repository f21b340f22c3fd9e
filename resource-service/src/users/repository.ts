// Users in the resource-service's own database. Plain objects out. Writes go
// through Prisma; reading a profile is a prepared statement (see db.ts).
import { prepared } from "@authbridge/service-kit";
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

const findById = prepared<UserRecord>(
  "users.find",
  `SELECT id, email, name, handle, "displayName", bio, "createdAt", "updatedAt" FROM users WHERE id = $1`,
);

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";

export function userRepository(db: Database) {
  return {
    /** Creates the user, or brings email and name in step with the token (one statement). */
    upsertFromClaims(id: string, email: string, name: string): Promise<UserRecord> {
      return db.prisma.user.upsert({ where: { id }, create: { id, email, name }, update: { email, name } });
    },
    async find(id: string): Promise<UserRecord | null> {
      const [user] = await db.query(findById, [id]);
      return user ?? null;
    },
    async update(id: string, changes: ProfileChanges): Promise<UserRecord> {
      try {
        return await db.prisma.user.update({ where: { id }, data: changes });
      } catch (error: unknown) {
        if (isUniqueViolation(error)) throw new HandleTakenError();
        throw error;
      }
    },
  };
}

export type UserRepository = ReturnType<typeof userRepository>;
