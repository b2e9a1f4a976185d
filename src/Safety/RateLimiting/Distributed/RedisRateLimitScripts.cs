namespace Agents.Safety.RateLimiting;

/// <summary>
/// The Lua scripts of <see cref="RedisRateBudget"/>. Each runs atomically inside Redis, so processes sharing a budget
/// never admit past it between a check and a take. Time comes from the Redis server's clock (<c>TIME</c>), so the
/// processes' clocks need not agree.
/// </summary>
/// <remarks>
/// A partition is three keys: a sorted set of admission ids scored by admission time (ms), a hash of id → tokens,
/// and the running token total. Keys expire after two idle windows.
/// </remarks>
internal static class RedisRateLimitScripts
{
    /// <summary>
    /// KEYS: 3 per partition. ARGV: window (ms), cost (tokens), admission id, then per partition the request and
    /// token limits (−1 = unlimited). Returns {1, 0, 0} when admitted; {0, wait ms, reason} when not (reason 1 =
    /// requests, 2 = tokens); {−1, 0, 3} when the cost exceeds a token limit on its own.
    /// </summary>
    public const string Acquire = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local window = tonumber(ARGV[1])
        local cost = tonumber(ARGV[2])
        local id = ARGV[3]
        local parts = #KEYS / 3
        local wait = 0
        local reason = 0
        for p = 0, parts - 1 do
          local z, h, n = KEYS[p * 3 + 1], KEYS[p * 3 + 2], KEYS[p * 3 + 3]
          local rpm = tonumber(ARGV[4 + p * 2])
          local tpm = tonumber(ARGV[5 + p * 2])
          if tpm >= 0 and cost > tpm then
            return {-1, 0, 3}
          end
          while true do
            local old = redis.call('ZRANGEBYSCORE', z, '-inf', now - window, 'LIMIT', 0, 500)
            if #old == 0 then break end
            local costs = redis.call('HMGET', h, unpack(old))
            local freed = 0
            for i = 1, #costs do freed = freed + (tonumber(costs[i]) or 0) end
            redis.call('HDEL', h, unpack(old))
            redis.call('ZREM', z, unpack(old))
            redis.call('DECRBY', n, freed)
          end
          local count = redis.call('ZCARD', z)
          local tokens = tonumber(redis.call('GET', n) or '0')
          local overR = rpm >= 0 and count + 1 > rpm
          local overT = tpm >= 0 and tokens + cost > tpm
          if overR or overT then
            local found = false
            local start = 0
            while not found do
              local chunk = redis.call('ZRANGE', z, start, start + 199, 'WITHSCORES')
              if #chunk == 0 then break end
              local ids = {}
              for i = 1, #chunk, 2 do ids[#ids + 1] = chunk[i] end
              local costs = redis.call('HMGET', h, unpack(ids))
              for i = 1, #ids do
                count = count - 1
                tokens = tokens - (tonumber(costs[i]) or 0)
                if (rpm < 0 or count + 1 <= rpm) and (tpm < 0 or tokens + cost <= tpm) then
                  local w = tonumber(chunk[i * 2]) + window - now
                  if w < 1 then w = 1 end
                  if w > wait then
                    wait = w
                    if overR then reason = 1 else reason = 2 end
                  end
                  found = true
                  break
                end
              end
              start = start + 200
            end
            if not found and window > wait then
              wait = window
              if overR then reason = 1 else reason = 2 end
            end
          end
        end
        if wait > 0 then
          return {0, wait, reason}
        end
        for p = 0, parts - 1 do
          local z, h, n = KEYS[p * 3 + 1], KEYS[p * 3 + 2], KEYS[p * 3 + 3]
          redis.call('ZADD', z, now, id)
          redis.call('HSET', h, id, cost)
          redis.call('INCRBY', n, cost)
          redis.call('PEXPIRE', z, window * 2)
          redis.call('PEXPIRE', h, window * 2)
          redis.call('PEXPIRE', n, window * 2)
        end
        return {1, 0, 0}
        """;

    /// <summary>KEYS: 3 per partition. ARGV: admission id, actual tokens. Replaces the admission's tokens while it is still in the window.</summary>
    public const string Reconcile = """
        local id = ARGV[1]
        local actual = tonumber(ARGV[2])
        for p = 0, #KEYS / 3 - 1 do
          local h, n = KEYS[p * 3 + 2], KEYS[p * 3 + 3]
          local old = redis.call('HGET', h, id)
          if old then
            redis.call('HSET', h, id, actual)
            redis.call('INCRBY', n, actual - tonumber(old))
          end
        end
        return 1
        """;
}
