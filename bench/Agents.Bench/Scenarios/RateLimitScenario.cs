using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Agents.Bench.RateLimit;
using Agents.Safety.RateLimiting;

namespace Agents.Bench.Scenarios;

/// <summary>
/// The rate limiter under overload: 10 simulated minutes (fake clock) at 3× a 600 requests/min and 100,000
/// tokens/min limit; then 3 real processes sharing one Redis budget for 20 s; and the limiter's own cost per
/// admitted request, uncontended, against the bare backend.
/// </summary>
internal sealed class RateLimitScenario : IBenchmarkScenario
{
    private const int LimitRpm = 600;
    private const int LimitTpm = 100_000;
    private const int Processes = 3;

    public string Name => "rate-limit";

    public string Description => "rate limiter: 10 simulated min at 3x 600 rpm / 100k tpm, 3 processes sharing Redis for 20 s, overhead per request";

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        if (context.Arguments.Contains(DistributedChild.Flag))
        {
            return await DistributedChild.RunAsync(context, cancellationToken);
        }

        var seconds = double.Parse(context.Option("--seconds", "20")!, CultureInfo.InvariantCulture);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        Simulate(context, result);
        await MeasureOverheadAsync(context, result, cancellationToken);
        await RunDistributedAsync(context, result, seconds, cancellationToken);
        return result;
    }

    /// <summary>10 minutes of a fake clock, a request every 1/30 s (3× 600/min), each estimated at about 3× its share of the token limit.</summary>
    private static void Simulate(BenchmarkContext context, Dictionary<string, object?> result)
    {
        var clock = new SimulatedClock();
        var random = new Random(42);

        // 392 ASCII characters → 98 tokens + 4 for the message = 102 prompt tokens; + 64 max output = 166 estimated,
        // so 1,800 offered requests a minute ask for 298,800 tokens (3× the token limit) as well as 3× the requests.
        var request = GenerationRequest.FromPrompt(new string('x', 392), new GenerationOptions { MaxTokens = 64 });
        using var backend = new InstantGenerator(clock, _ => new Usage { PromptTokens = 102, CompletionTokens = random.Next(16, 65) });
        using var limiter = new RateLimitingGenerator(backend, new RateLimitingOptions
        {
            RequestsPerMinute = LimitRpm,
            TokensPerMinute = LimitTpm,
            MaxQueueWait = TimeSpan.Zero,
        }, clock);

        var offered = 0;
        var rejected = 0;
        var step = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30);
        var end = clock.GetTimestamp() + TimeSpan.FromMinutes(10).Ticks;
        while (clock.GetTimestamp() < end)
        {
            offered++;
            var call = limiter.GenerateAsync(request);

            // Everything completes synchronously: the backend answers at once and the limiter never waits.
            if (call.IsFaulted && call.Exception!.InnerException is RateLimitedException)
            {
                rejected++;
            }
            else if (!call.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("The simulated call did not complete synchronously.", call.Exception);
            }

            clock.Advance(step);
        }

        var calls = backend.Calls;
        var window = TimeSpan.FromMinutes(1).Ticks;
        var maxRequests = 0;
        var maxTokens = 0L;
        var tokens = 0L;
        var first = 0;
        for (var last = 0; last < calls.Count; last++)
        {
            tokens += calls[last].Tokens;
            while (calls[first].Timestamp <= calls[last].Timestamp - window)
            {
                tokens -= calls[first].Tokens;
                first++;
            }

            maxRequests = Math.Max(maxRequests, last - first + 1);
            maxTokens = Math.Max(maxTokens, tokens);
        }

        var admittedRpm = calls.Count / 10.0;
        context.Log($"simulated: offered {offered}, admitted {calls.Count} ({admittedRpm:F1}/min), rejected {rejected}, max {maxRequests} requests and {maxTokens} tokens in any minute");
        result["limit_rpm"] = LimitRpm;
        result["admitted_rpm"] = admittedRpm;
        result["limit_tpm"] = LimitTpm;
        result["max_tpm_observed"] = maxTokens;
        result["max_rpm_observed"] = maxRequests;
        result["offered_rpm"] = offered / 10.0;
        result["simulated_minutes"] = 10;
        result["admitted_within_1pct"] = Math.Abs(admittedRpm - LimitRpm) <= LimitRpm * 0.01;
        result["never_above_limit"] = maxRequests <= LimitRpm && maxTokens <= LimitTpm;
    }

    /// <summary>Wall time per request through the limiter (requests, tokens and tenant limits far above the load) minus the bare backend's.</summary>
    private static async Task MeasureOverheadAsync(BenchmarkContext context, Dictionary<string, object?> result, CancellationToken cancellationToken)
    {
        const int iterations = 200_000;
        const int rounds = 7;
        using var backend = new InstantGenerator(TimeProvider.System, _ => new Usage { PromptTokens = 102, CompletionTokens = 40 }, record: false);
        var limiter = new RateLimitingGenerator(backend, new RateLimitingOptions
        {
            RequestsPerMinute = int.MaxValue,
            TokensPerMinute = int.MaxValue,
            TenantRequestsPerMinute = int.MaxValue,
            MaxQueueWait = TimeSpan.Zero,
        });
        var request = GenerationRequest.FromPrompt(new string('x', 392), new GenerationOptions { MaxTokens = 64, CacheHint = new CacheHint { TenantKey = "tenant-1" } });

        for (var warmup = 0; warmup < 3; warmup++)
        {
            await TimeAsync(backend, request, iterations / 4, cancellationToken);
            await TimeAsync(limiter, request, iterations / 4, cancellationToken);
        }

        var bare = new List<double>();
        var limited = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // A fresh limiter each round keeps the window's length (and memory) the same in every round.
            limiter.Dispose();
            limiter = new RateLimitingGenerator(backend, new RateLimitingOptions
            {
                RequestsPerMinute = int.MaxValue,
                TokensPerMinute = int.MaxValue,
                TenantRequestsPerMinute = int.MaxValue,
                MaxQueueWait = TimeSpan.Zero,
            });
            bare.Add(await TimeAsync(backend, request, iterations, cancellationToken));
            limited.Add(await TimeAsync(limiter, request, iterations, cancellationToken));
            context.Log($"overhead round {round + 1}/{rounds}: bare {bare[^1] * 1000:F0} ns, limited {limited[^1] * 1000:F0} ns");
        }

        limiter.Dispose();
        var overhead = Median(limited) - Median(bare);
        result["limiter_overhead_us"] = Math.Round(overhead, 3);
        result["bare_request_us"] = Math.Round(Median(bare), 3);
        result["limited_request_us"] = Math.Round(Median(limited), 3);
    }

    private static async Task<double> TimeAsync(IGenerator generator, GenerationRequest request, int iterations, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            await generator.GenerateAsync(request, cancellationToken);
        }

        return clock.Elapsed.TotalMicroseconds / iterations;
    }

    /// <summary>3 copies of this program, each offering requests as fast as it can through one Redis-shared budget.</summary>
    private static async Task RunDistributedAsync(BenchmarkContext context, Dictionary<string, object?> result, double seconds, CancellationToken cancellationToken)
    {
        using var redis = await RedisProcess.StartAsync(cancellationToken);
        var prefix = "{bench-" + Guid.NewGuid().ToString("N") + "}:";
        context.Log($"redis-server on {redis.Endpoint}; starting {Processes} processes for {seconds} s");
        var children = Enumerable.Range(0, Processes).Select(_ => StartChild(redis.Endpoint, prefix, seconds)).ToList();
        var counts = new List<(long Admitted, long Rejected)>();
        try
        {
            foreach (var child in children)
            {
                var output = await child.StandardOutput.ReadToEndAsync(cancellationToken);
                await child.WaitForExitAsync(cancellationToken);
                if (child.ExitCode != 0)
                {
                    throw new InvalidOperationException($"A distributed child failed with exit code {child.ExitCode}: {await child.StandardError.ReadToEndAsync(cancellationToken)}");
                }

                var line = output.Split('\n').First(l => l.StartsWith("{\"admitted\"", StringComparison.Ordinal));
                var parsed = JsonSerializer.Deserialize<Dictionary<string, long>>(line)!;
                counts.Add((parsed["admitted"], parsed["rejected"]));
            }
        }
        finally
        {
            foreach (var child in children)
            {
                if (!child.HasExited)
                {
                    child.Kill();
                }

                child.Dispose();
            }
        }

        var admitted = counts.Sum(c => c.Admitted);
        context.Log($"distributed: admitted {admitted} ({string.Join(", ", counts.Select(c => c.Admitted))}), limit {LimitRpm} per minute");

        // The run is shorter than the 60 s window, so the whole run falls in one window: together at most the limit.
        result["distributed_limit"] = LimitRpm;
        result["distributed_admitted"] = admitted;
        result["distributed_processes"] = Processes;
        result["distributed_seconds"] = seconds;
        result["distributed_admitted_per_process"] = counts.Select(c => c.Admitted).ToArray();
        result["distributed_rejected"] = counts.Sum(c => c.Rejected);
    }

    private static Process StartChild(string endpoint, string prefix, double seconds)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this program's executable.");
        var info = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        foreach (var argument in new[]
        {
            "rate-limit", DistributedChild.Flag, "--redis", endpoint, "--prefix", prefix,
            "--seconds", seconds.ToString(CultureInfo.InvariantCulture), "--rpm", LimitRpm.ToString(CultureInfo.InvariantCulture),
            "--tpm", LimitTpm.ToString(CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Could not start a distributed child.");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
