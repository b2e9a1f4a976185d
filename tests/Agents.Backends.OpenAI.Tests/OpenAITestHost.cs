using System.Text.Json;
using Agents.Backends.OpenAI;
using Agents.Backends.Testing;

namespace Agents.Backends.OpenAI.Tests;

/// <summary>A recording server plus an <see cref="OpenAIGenerator"/> pointed at it.</summary>
internal sealed class OpenAITestHost : IAsyncDisposable
{
    public const string ApiKey = "sk-test-9f8e7d6c5b4a39281706";

    private readonly HttpClient _client = new() { Timeout = Timeout.InfiniteTimeSpan };

    private OpenAITestHost(RecordingServer server, OpenAIGeneratorOptions options)
    {
        Server = server;
        Options = options;
        Generator = new OpenAIGenerator(_client, options, Logs);
    }

    public RecordingServer Server { get; }

    public OpenAIGeneratorOptions Options { get; }

    public CapturingLoggerFactory Logs { get; } = new();

    public OpenAIGenerator Generator { get; }

    public HttpClient Client => _client;

    public static async Task<OpenAITestHost> StartAsync(Action<OpenAIGeneratorOptions>? configure = null)
    {
        var server = await RecordingServer.StartAsync();
        var options = new OpenAIGeneratorOptions { Endpoint = server.BaseAddress, Model = "gpt-test", ApiKey = ApiKey, Timeout = TimeSpan.FromSeconds(20) };
        configure?.Invoke(options);
        return new OpenAITestHost(server, options);
    }

    public static string Frame(string json) => $"data: {json}\n\n";

    public static string Done => "data: [DONE]\n\n";

    public static string TextChunk(string text, string? finish = null) =>
        Frame(JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion.chunk",
            model = "gpt-test-2025",
            choices = new[] { new { index = 0, delta = new { content = text }, finish_reason = finish } },
        }));

    public static string FinishChunk(string finish) =>
        Frame($$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-test-2025","choices":[{"index":0,"delta":{},"finish_reason":"{{finish}}"}]}""");

    public static string UsageChunk(int prompt, int completion, int cached) =>
        Frame("""{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-test-2025","choices":[],"usage":{"prompt_tokens":"""
            + prompt + ""","completion_tokens":""" + completion + ""","total_tokens":""" + (prompt + completion)
            + ""","prompt_tokens_details":{"cached_tokens":""" + cached + "}}}");

    public const string Completion = """
        {"id":"chatcmpl-42","object":"chat.completion","created":1700000000,"model":"gpt-test-2025",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there."},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":8}}}
        """;

    public async ValueTask DisposeAsync()
    {
        Generator.Dispose();
        _client.Dispose();
        await Server.DisposeAsync();
    }
}
