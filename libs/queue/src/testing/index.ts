export { liveRedis, type LiveRedis } from './live-redis.js';
