using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Agents.Backends.OpenAI;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agents.Bench.Scenarios;

/// <summary>
/// What the OpenAI-compatible backend adds on top of the network: an in-process Kestrel server streams 500
/// Chat Completions chunks (flushed one by one); the full <see cref="OpenAIGenerator"/> (request validation,
/// body writing, SSE parsing, JSON per chunk, updates, timings) is timed against a bare HttpClient SSE reader on
/// the same server and the same pooled connection (POST the same body, <see cref="SseParser"/>, one JsonDocument
/// per chunk to pull out the text — the least a hand-written client must do).
/// </summary>
internal sealed class HttpStreamingScenario : IBenchmarkScenario
{
    private const int Chunks = 500;

    public string Name => "http-streaming";

    public string Description => "OpenAIGenerator vs a bare HttpClient SSE reader, 500 chunks from in-process Kestrel (TTFT and total, medians)";

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var iterations = int.Parse(context.Option("--iterations", "300")!, CultureInfo.InvariantCulture);
        var payload = BuildStream();
        await using var app = await StartServerAsync(payload, cancellationToken);
        var endpoint = new Uri(app.Urls.First() + "/v1/");

        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var generator = new OpenAIGenerator(client, new OpenAIGeneratorOptions { Endpoint = endpoint, Model = "bench-model", ApiKey = "sk-bench-000000000" });
        var request = GenerationRequest.FromPrompt("Count to five hundred.", new GenerationOptions { MaxTokens = Chunks, Temperature = 0 });
        var bareBody = Encoding.UTF8.GetBytes(
            """{"model":"bench-model","messages":[{"role":"user","content":"Count to five hundred."}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":500,"temperature":0}""");

        // Warm-up: JIT, tiered PGO, connection pool.
        for (var i = 0; i < Math.Max(50, iterations / 3); i++)
        {
            await MeasureGeneratorAsync(generator, request, cancellationToken);
            await MeasureBareAsync(client, endpoint, bareBody, cancellationToken);
        }

        var generatorRuns = new List<(double Ttft, double Total)>(iterations);
        var bareRuns = new List<(double Ttft, double Total)>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            // Alternate the order so drift on a shared machine hits both sides alike.
            if (i % 2 == 0)
            {
                generatorRuns.Add(await MeasureGeneratorAsync(generator, request, cancellationToken));
                bareRuns.Add(await MeasureBareAsync(client, endpoint, bareBody, cancellationToken));
            }
            else
            {
                bareRuns.Add(await MeasureBareAsync(client, endpoint, bareBody, cancellationToken));
                generatorRuns.Add(await MeasureGeneratorAsync(generator, request, cancellationToken));
            }

            if ((i + 1) % 100 == 0)
            {
                context.Log($"{i + 1}/{iterations} iterations");
            }
        }

        var generatorTtft = Median(generatorRuns.Select(r => r.Ttft));
        var bareTtft = Median(bareRuns.Select(r => r.Ttft));
        var generatorTotal = Median(generatorRuns.Select(r => r.Total));
        var bareTotal = Median(bareRuns.Select(r => r.Total));
        return new Dictionary<string, object?>
        {
            ["chunks"] = Chunks,
            ["iterations"] = iterations,
            ["bare_ttft_ms"] = Math.Round(bareTtft, 3),
            ["generator_ttft_ms"] = Math.Round(generatorTtft, 3),
            ["ttft_added_ms"] = Math.Round(generatorTtft - bareTtft, 3),
            ["bare_total_ms"] = Math.Round(bareTotal, 3),
            ["generator_total_ms"] = Math.Round(generatorTotal, 3),
            ["throughput_ratio"] = Math.Round(bareTotal / generatorTotal, 4),
            ["target_ttft_added_ms"] = 1.0,
            ["target_throughput_ratio"] = 0.97,
        };
    }

    private static async Task<(double Ttft, double Total)> MeasureGeneratorAsync(IGenerator generator, GenerationRequest request, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var ttft = 0.0;
        var pieces = 0;
        await foreach (var update in generator.StreamAsync(request, cancellationToken))
        {
            if (update.Text.Length > 0 && pieces++ == 0)
            {
                ttft = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        Check(pieces);
        return (ttft, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    private static async Task<(double Ttft, double Total)> MeasureBareAsync(HttpClient client, Uri endpoint, byte[] body, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var ttft = 0.0;
        var pieces = 0;
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "chat/completions")) { Content = new ByteArrayContent(body) };
        message.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-bench-000000000");
        message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            if (item.Data == "[DONE]")
            {
                break;
            }

            using var document = JsonDocument.Parse(item.Data);
            var choices = document.RootElement.GetProperty("choices");
            if (choices.GetArrayLength() > 0 && choices[0].GetProperty("delta").TryGetProperty("content", out var content)
                && content.GetString() is { Length: > 0 } && pieces++ == 0)
            {
                ttft = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        Check(pieces);
        return (ttft, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    private static void Check(int pieces)
    {
        if (pieces != Chunks)
        {
            throw new InvalidOperationException($"Expected {Chunks} text pieces, got {pieces}.");
        }
    }

    private static byte[][] BuildStream()
    {
        var frames = new List<byte[]>(Chunks + 3);
        for (var i = 0; i < Chunks; i++)
        {
            var chunk = JsonSerializer.Serialize(new
            {
                id = "chatcmpl-bench",
                @object = "chat.completion.chunk",
                created = 1700000000,
                model = "bench-model",
                choices = new[] { new { index = 0, delta = new { content = $" {i + 1}" }, finish_reason = (string?)null } },
            });
            frames.Add(Encoding.UTF8.GetBytes($"data: {chunk}\n\n"));
        }

        frames.Add(Encoding.UTF8.GetBytes("""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","model":"bench-model","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}""" + "\n\n"));
        frames.Add(Encoding.UTF8.GetBytes("""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","model":"bench-model","choices":[],"usage":{"prompt_tokens":8,"completion_tokens":500,"total_tokens":508}}""" + "\n\n"));
        frames.Add("data: [DONE]\n\n"u8.ToArray());
        return [.. frames];
    }

    private static async Task<WebApplication> StartServerAsync(byte[][] frames, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(async ctx =>
        {
            // Drain the request body as a real server would before answering.
            await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.StartAsync(ctx.RequestAborted);
            foreach (var frame in frames)
            {
                await ctx.Response.Body.WriteAsync(frame, ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
        });
        await app.StartAsync(cancellationToken);
        return app;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
