using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Agents.Safety.RateLimiting;
using StackExchange.Redis;

namespace Agents.Bench.RateLimit;

/// <summary>
/// One of the processes of the distributed part: offers requests as fast as it can (pausing 2 ms after a refusal)
/// through a Redis-shared limiter for the given time, then prints its counts as one JSON line on stdout.
/// </summary>
internal static class DistributedChild
{
    public const string Flag = "--child";

    public static async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.Option("--redis") ?? throw new ArgumentException("--redis is required with --child.");
        var prefix = context.Option("--prefix") ?? throw new ArgumentException("--prefix is required with --child.");
        var seconds = double.Parse(context.Option("--seconds", "20")!, CultureInfo.InvariantCulture);
        var rpm = int.Parse(context.Option("--rpm", "600")!, CultureInfo.InvariantCulture);
        var tpm = int.Parse(context.Option("--tpm", "100000")!, CultureInfo.InvariantCulture);

        using var connection = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { endpoint }, AbortOnConnectFail = false });
        using var backend = new InstantGenerator(TimeProvider.System, r => new Usage { PromptTokens = 100, CompletionTokens = 40 }, record: false);
        using var limiter = new RateLimitingGenerator(backend, new RateLimitingOptions
        {
            RequestsPerMinute = rpm,
            TokensPerMinute = tpm,
            MaxQueueWait = TimeSpan.Zero,
            Distributed = new DistributedRateLimitingOptions { Connection = connection, KeyPrefix = prefix },
        });
        var request = GenerationRequest.FromPrompt(new string('x', 392), new GenerationOptions { MaxTokens = 64 });

        long admitted = 0, rejected = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await limiter.GenerateAsync(request, cancellationToken);
                admitted++;
            }
            catch (RateLimitedException)
            {
                rejected++;
                await Task.Delay(2, cancellationToken);
            }
        }

        Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, long> { ["admitted"] = admitted, ["rejected"] = rejected }));
        return new Dictionary<string, object?> { ["admitted"] = admitted, ["rejected"] = rejected };
    }
}
