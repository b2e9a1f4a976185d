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

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(step(body), context.RequestAborted);
        });
        await app.StartAsync();
        server.BaseAddress = new Uri(new Uri(app.Urls.First()), "/v1/");
        return server;
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
