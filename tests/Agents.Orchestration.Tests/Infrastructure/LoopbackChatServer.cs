using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agents.Orchestration.Tests;

/// <summary>
/// A minimal OpenAI-compatible Chat Completions server on 127.0.0.1 (random port): a real Kestrel server that answers
/// each POST to <c>/v1/chat/completions</c> with the JSON the current script step returns, and records the bodies.
/// </summary>
internal sealed class LoopbackChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<JsonElement, string>> _script = new();

    private LoopbackChatServer(WebApplication app) => _app = app;

    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<LoopbackChatServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LoopbackChatServer(app);
        app.MapPost("/v1/chat/completions", async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = JsonDocument.Parse(await reader.ReadToEndAsync(context.RequestAborted)).RootElement.Clone();
            server.Requests.Enqueue(body);
            if (!server._script.TryDequeue(out var step))
            {
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("""{"error":{"message":"script exhausted"}}""", context.RequestAborted);
                return;
            }

            var completion = step(body);
            if (body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
            {
                context.Response.ContentType = "text/event-stream";
                foreach (var chunk in ToChunks(completion))
                {
                    await context.Response.WriteAsync("data: " + chunk + "\n\n", context.RequestAborted);
                }

                await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(completion, context.RequestAborted);
        });
        await app.StartAsync();
        server.BaseAddress = new Uri(new Uri(app.Urls.First()), "/v1/");
        return server;
    }

    /// <summary>Turns a whole completion into the stream chunks that would have produced it.</summary>
    private static IEnumerable<string> ToChunks(string completionJson)
    {
        var completion = JsonDocument.Parse(completionJson).RootElement;
        var choice = completion.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        var delta = new Dictionary<string, object?> { ["role"] = "assistant" };
        if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            delta["content"] = content.GetString();
        }

        if (message.TryGetProperty("tool_calls", out var calls))
        {
            delta["tool_calls"] = calls.EnumerateArray().Select((c, i) => new
            {
                index = i,
                id = c.GetProperty("id").GetString(),
                type = "function",
                function = new { name = c.GetProperty("function").GetProperty("name").GetString(), arguments = c.GetProperty("function").GetProperty("arguments").GetString() },
            }).ToArray();
        }

        string Chunk(object choices, object? usage = null) => JsonSerializer.Serialize(new
        {
            id = completion.GetProperty("id").GetString(),
            @object = "chat.completion.chunk",
            model = completion.GetProperty("model").GetString(),
            choices,
            usage,
        });

        yield return Chunk(new[] { new { index = 0, delta = (object)delta, finish_reason = (string?)null } });
        yield return Chunk(new[] { new { index = 0, delta = (object)new { }, finish_reason = choice.GetProperty("finish_reason").GetString() } });
        yield return Chunk(Array.Empty<object>(), completion.GetProperty("usage").Clone());
    }

    public LoopbackChatServer Then(Func<JsonElement, string> step)
    {
        _script.Enqueue(step);
        return this;
    }

    public static string ToolCallCompletion(string id, string name, string argumentsJson) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-tools",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = "loopback-model",
        choices = new[]
        {
            new
            {
                index = 0,
                message = new
                {
                    role = "assistant",
                    content = (string?)null,
                    tool_calls = new[] { new { id, type = "function", function = new { name, arguments = argumentsJson } } },
                },
                finish_reason = "tool_calls",
            },
        },
        usage = new { prompt_tokens = 20, completion_tokens = 8, total_tokens = 28 },
    });

    public static string TextCompletion(string text) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-text",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = "loopback-model",
        choices = new[] { new { index = 0, message = new { role = "assistant", content = text }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 30, completion_tokens = 5, total_tokens = 35 },
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
