using System.Globalization;
using Agents.Backends.Testing;
using Microsoft.AspNetCore.Http;

namespace Agents.Backends.OpenAI.Tests;

public sealed class OpenAIErrorTests
{
    [Fact]
    public async Task GenerateAsync_OpenAIContextLengthExceeded_ThrowsContextWindowExceededWithCounts()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 400, """
            {"error":{"message":"This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}
            """, ("x-request-id", "req_ctx"));

        var ex = await Assert.ThrowsAsync<ContextWindowExceededException>(() => host.Generator.GenerateAsync("long"));

        Assert.Equal(9000, ex.PromptTokens);
        Assert.Equal(8192, ex.ContextWindow);
        Assert.Equal("openai", ex.Provider);
        var details = Assert.IsType<ProviderException>(ex.InnerException);
        Assert.Equal(400, details.StatusCode);
        Assert.Equal("req_ctx", details.RequestId);
        Assert.Equal("context_length_exceeded", details.ErrorCode);
    }

    [Fact]
    public async Task GenerateAsync_LlamaServerExceedContextSize_ThrowsContextWindowExceededWithCounts()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 400, """
            {"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}
            """);

        var ex = await Assert.ThrowsAsync<ContextWindowExceededException>(() => host.Generator.GenerateAsync("long"));

        Assert.Equal(5000, ex.PromptTokens);
        Assert.Equal(4096, ex.ContextWindow);
    }

    [Fact]
    public async Task GenerateAsync_OtherBadRequest_ThrowsInvalidRequestWithParameter()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 400, """
            {"error":{"message":"Invalid value for 'temperature'.","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}
            """);

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("temperature", ex.Parameter);
        Assert.Equal("openai", ex.Provider);
        Assert.Contains("Invalid value for 'temperature'", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
    }

    [Theory]
    [InlineData(401, false, "authentication")]
    [InlineData(403, false, "permission")]
    [InlineData(404, false, "not found")]
    [InlineData(408, true, "timeout")]
    [InlineData(500, true, "server error")]
    [InlineData(502, true, "server error")]
    [InlineData(503, true, "server error")]
    [InlineData(529, true, "overloaded")]
    public async Task GenerateAsync_ErrorStatus_ThrowsProviderExceptionWithDetails(int status, bool transient, string description)
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, status, """{"error":{"message":"boom","type":"some_error","code":"some_code"}}""", ("x-request-id", "req_123"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(transient, ex.IsTransient);
        Assert.Equal("req_123", ex.RequestId);
        Assert.Equal("some_code", ex.ErrorCode);
        Assert.Equal("openai", ex.Provider);
        Assert.Contains("boom", ex.BodyExcerpt, StringComparison.Ordinal);
        Assert.Contains(description, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_ModelNotFound_MessageNamesModelAndStatus()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 404, """
            {"error":{"message":"The model `gpt-test` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}
            """);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.Equal("model_not_found", ex.ErrorCode);
        Assert.Contains("gpt-test", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("retry-after-ms", "1500", 1500)]
    [InlineData("Retry-After", "7", 7000)]
    [InlineData("Retry-After", "3600", 60000)]
    public async Task GenerateAsync_RateLimited_ThrowsWithParsedAndCappedRetryAfter(string header, string value, int expectedMs)
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 429, """{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}""", (header, value), ("x-request-id", "req_rl"));

        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ex.RetryAfter);
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal("req_rl", ex.RequestId);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task GenerateAsync_RateLimitedWithGarbageRetryAfter_ThrowsWithoutRetryAfter()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 429, """{"error":{"message":"slow down"}}""", ("Retry-After", "114h18m"));

        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.Null(ex.RetryAfter);
    }

    [Fact]
    public async Task GenerateAsync_RateLimitedWithHttpDate_ThrowsWithDelayUntilThatDate()
    {
        await using var host = await OpenAITestHost.StartAsync();
        var date = DateTimeOffset.UtcNow.AddSeconds(30).ToString("r", CultureInfo.InvariantCulture);
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 429, """{"error":{"message":"slow down"}}""", ("Retry-After", date));

        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.InRange(ex.RetryAfter!.Value, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(31));
    }

    [Fact]
    public async Task GenerateAsync_InsufficientQuota_IsNotTransient()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 429, """{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}""");

        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task GenerateAsync_MalformedJsonSuccessBody_ThrowsProviderException()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, """{"id":"x","choices":[{"message":""", ("x-request-id", "req_bad"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.Equal("req_bad", ex.RequestId);
        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(ex.InnerException);
    }

    [Fact]
    public async Task GenerateAsync_LlamaServer500ForBadBody_ThrowsProviderExceptionWithExcerpt()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 500, """{"error":{"code":500,"message":"[json.exception.parse_error.101] parse error","type":"server_error"}}""");

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.Equal(500, ex.StatusCode);
        Assert.Contains("parse_error", ex.BodyExcerpt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_CutBeforeDone_ThrowsTransientProviderException()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, [OpenAITestHost.TextChunk("partial")], headers: ("x-request-id", "req_cut"));

        var texts = new List<string>();
        var ex = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in host.Generator.StreamAsync("Hi"))
            {
                texts.Add(update.Text);
            }
        });

        Assert.Equal(["partial"], texts);
        Assert.True(ex.IsTransient);
        Assert.Equal("req_cut", ex.RequestId);
        Assert.Contains("[DONE]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_ErrorJsonInStream_ThrowsMappedException()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx,
            [OpenAITestHost.TextChunk("a"), OpenAITestHost.Frame("""{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}""")]);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Hi").ToResultAsync());

        Assert.Equal(503, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Contains("Loading model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_ErrorStatusForStreamingRequest_ThrowsBeforeAnyUpdate()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 429, """{"error":{"message":"slow down"}}""", ("retry-after-ms", "250"));

        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => host.Generator.StreamAsync("Hi").ToResultAsync());

        Assert.Equal(TimeSpan.FromMilliseconds(250), ex.RetryAfter);
    }

    [Fact]
    public async Task StreamAsync_MalformedChunk_ThrowsProviderException()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, [OpenAITestHost.Frame("{not json"), OpenAITestHost.Done]);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Hi").ToResultAsync());

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_ConnectionRefused_ThrowsTransientProviderException()
    {
        using var client = new HttpClient();
        var endpoint = new Uri($"http://127.0.0.1:{RecordingServer.FreePort()}/v1/");
        using var generator = new OpenAIGenerator(client, new OpenAIGeneratorOptions { Endpoint = endpoint, Model = "m", ApiKey = "sk-none-000000000" });

        var ex = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync("Hi"));

        Assert.True(ex.IsTransient);
        Assert.Equal("connection_failed", ex.ErrorCode);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task StreamAsync_ConnectionResetMidStream_ThrowsTransientProviderException()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = async ctx =>
        {
            await RecordingServer.Sse(ctx, [OpenAITestHost.TextChunk("a")]);
            ctx.Abort();
        };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Hi").ToResultAsync());

        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task GenerateAsync_ServerNeverAnswers_ThrowsTimeoutProviderException()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.Timeout = TimeSpan.FromMilliseconds(300));
        host.Server.Handler = RecordingServer.Hang;

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.Equal("timeout", ex.ErrorCode);
        Assert.True(ex.IsTransient);
        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task StreamAsync_StreamStallsMidway_ThrowsTimeoutProviderException()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.Timeout = TimeSpan.FromMilliseconds(300));
        host.Server.Handler = async ctx =>
        {
            await RecordingServer.Sse(ctx, [OpenAITestHost.TextChunk("a")]);
            await RecordingServer.Hang(ctx);
        };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Hi").ToResultAsync());

        Assert.Equal("timeout", ex.ErrorCode);
    }

    [Fact]
    public async Task StreamAsync_CancelledMidStream_ThrowsOperationCanceled()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = async ctx =>
        {
            await RecordingServer.Sse(ctx, [OpenAITestHost.TextChunk("a")]);
            await RecordingServer.Hang(ctx);
        };
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in host.Generator.StreamAsync("Hi", cancellationToken: cts.Token))
            {
                cts.Cancel();
            }
        });
    }

    [Fact]
    public async Task GenerateAsync_CancelledWhileWaiting_ThrowsOperationCanceled()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = RecordingServer.Hang;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Generator.GenerateAsync("Hi", cancellationToken: cts.Token));

        Assert.Equal(cts.Token, ex.CancellationToken);
    }
}
