using System.Text.Json;
using Agents.Backends.Anthropic;
using Agents.Backends.Testing;

namespace Agents.Backends.Anthropic.Tests;

/// <summary>A recording server plus an <see cref="AnthropicGenerator"/> pointed at it.</summary>
internal sealed class AnthropicTestHost : IAsyncDisposable
{
    public const string ApiKey = "sk-ant-api03-test-1a2b3c4d5e6f7g8h";

    private readonly HttpClient _client = new() { Timeout = Timeout.InfiniteTimeSpan };

    private AnthropicTestHost(RecordingServer server, AnthropicGeneratorOptions options)
    {
        Server = server;
        Generator = new AnthropicGenerator(_client, options, Logs);
    }

    public RecordingServer Server { get; }

    public CapturingLoggerFactory Logs { get; } = new();

    public AnthropicGenerator Generator { get; }

    public static async Task<AnthropicTestHost> StartAsync(Action<AnthropicGeneratorOptions>? configure = null)
    {
        var server = await RecordingServer.StartAsync("/");
        var options = new AnthropicGeneratorOptions { Endpoint = server.BaseAddress, Model = "claude-test", ApiKey = ApiKey, Timeout = TimeSpan.FromSeconds(20) };
        configure?.Invoke(options);
        return new AnthropicTestHost(server, options);
    }

    public static string Event(string type, string json) => $"event: {type}\ndata: {json}\n\n";

    public static string MessageStart(int input = 10, int cacheRead = 0, int cacheWrite = 0) => Event("message_start",
        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-test-2025\",\"content\":[],\"stop_reason\":null,"
        + $"\"usage\":{{\"input_tokens\":{input},\"cache_read_input_tokens\":{cacheRead},\"cache_creation_input_tokens\":{cacheWrite},\"output_tokens\":1}}}}}}");

    public static string TextBlockStart(int index) => Event("content_block_start",
        $"{{\"type\":\"content_block_start\",\"index\":{index},\"content_block\":{{\"type\":\"text\",\"text\":\"\"}}}}");

    public static string TextDelta(int index, string text) => Event("content_block_delta",
        $"{{\"type\":\"content_block_delta\",\"index\":{index},\"delta\":{{\"type\":\"text_delta\",\"text\":{JsonSerializer.Serialize(text)}}}}}");

    public static string BlockStop(int index) => Event("content_block_stop", $"{{\"type\":\"content_block_stop\",\"index\":{index}}}");

    public static string MessageDelta(string stopReason, int output) => Event("message_delta",
        $"{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"{stopReason}\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{output}}}}}");

    public static string MessageStop => Event("message_stop", "{\"type\":\"message_stop\"}");

    public static string Ping => Event("ping", "{\"type\":\"ping\"}");

    public const string Message = """
        {"id":"msg_42","type":"message","role":"assistant","model":"claude-test-2025",
         "content":[{"type":"text","text":"Hello there."}],"stop_reason":"end_turn","stop_sequence":null,
         "usage":{"input_tokens":5,"cache_read_input_tokens":100,"cache_creation_input_tokens":20,"output_tokens":3}}
        """;

    public async ValueTask DisposeAsync()
    {
        Generator.Dispose();
        _client.Dispose();
        await Server.DisposeAsync();
    }
}
