export { RevocationList, type RevocationListOptions } from "./revocation-list.js";
export { redisRevocations, type RedisRevocationsOptions, type RevocationFeed, type RevocationFeedStats } from "./redis.js";
