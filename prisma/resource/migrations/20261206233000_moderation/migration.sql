-- CreateEnum
CREATE TYPE "ModerationActionKind" AS ENUM ('hide', 'unhide', 'delete');

-- AlterTable
ALTER TABLE "posts" ADD COLUMN     "hiddenAt" TIMESTAMP(3),
ADD COLUMN     "hiddenReason" TEXT;

-- CreateTable
CREATE TABLE "moderation_actions" (
    "id" UUID NOT NULL,
    "action" "ModerationActionKind" NOT NULL,
    "postId" UUID NOT NULL,
    "postAuthorId" TEXT NOT NULL,
    "moderatorId" TEXT NOT NULL,
    "moderatorRole" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "moderation_actions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "moderation_actions_postId_id_idx" ON "moderation_actions"("postId", "id" DESC);
