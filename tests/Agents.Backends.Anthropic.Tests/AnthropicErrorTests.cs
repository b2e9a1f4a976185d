using Agents.Backends.Testing;

namespace Agents.Backends.Anthropic.Tests;

public sealed class AnthropicErrorTests
{
    private static string Error(string type, string message) => $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"{{{message}}}"}}""";

    [Fact]
    public async Task GenerateAsync_PromptTooLong_ThrowsContextWindowExceededWithCounts()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 400, Error("invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum"), ("request-id", "req_long"));

        var ex = await Assert.ThrowsAsync<ContextWindowExceededException>(() => host.Generator.GenerateAsync("long"));

        Assert.Equal(210000, ex.PromptTokens);
        Assert.Equal(200000, ex.ContextWindow);
        Assert.Equal("anthropic", ex.Provider);
        Assert.Equal("req_long", Assert.IsType<ProviderException>(ex.InnerException).RequestId);
    }

    [Fact]
    public async Task GenerateAsync_OtherInvalidRequest_ThrowsInvalidRequest()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 400, Error("invalid_request_error", "temperature: range"));

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("temperature: range", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, "authentication_error", false)]
    [InlineData(403, "permission_error", false)]
    [InlineData(404, "not_found_error", false)]
    [InlineData(500, "api_error", true)]
    [InlineData(529, "overloaded_error", true)]
    public async Task GenerateAsync_ErrorStatus_ThrowsProviderExceptionWithTypeAndRequestId(int status, string type, bool transient)
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, status, Error(type, "nope"), ("request-id", "req_x"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(type, ex.ErrorCode);
        Assert.Equal("req_x", ex.RequestId);
        Assert.Equal(transient, ex.IsTransient);
        Assert.Contains("nope", ex.BodyExcerpt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_RateLimited_ThrowsWithRetryAfter()
    {
        await using var host = await AnthropicTestHost.StartAsync(o => o.MaxRetryAfter = TimeSpan.FromSeconds(10));
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 429, Error("rate_limit_error", "slow down"), ("retry-after", "45"));

        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => host.Generator.GenerateAsync("Hi"));

        Assert.Equal(TimeSpan.FromSeconds(10), ex.RetryAfter);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task StreamAsync_OverloadedErrorEvent_ThrowsTransientProviderException()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx,
            [AnthropicTestHost.MessageStart(), AnthropicTestHost.TextDelta(0, "a"), AnthropicTestHost.Event("error", Error("overloaded_error", "Overloaded"))],
            headers: ("request-id", "req_ov"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Hi").ToResultAsync());

        Assert.Equal(529, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Equal("req_ov", ex.RequestId);
    }

    [Fact]
    public async Task StreamAsync_CutBeforeMessageStop_ThrowsTransientProviderException()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, [AnthropicTestHost.MessageStart(), AnthropicTestHost.TextDelta(0, "partial")]);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Hi").ToResultAsync());

        Assert.True(ex.IsTransient);
        Assert.Contains("message_stop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_MalformedEvent_ThrowsProviderException()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, [AnthropicTestHost.Event("content_block_delta", "{oops")]);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Hi").ToResultAsync());

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_ConnectionRefused_ThrowsTransientProviderException()
    {
        using var client = new HttpClient();
        var options = new AnthropicGeneratorOptions { Endpoint = new Uri($"http://127.0.0.1:{RecordingServer.FreePort()}/"), Model = "m", ApiKey = "sk-ant-x-12345678" };
        using var generator = new AnthropicGenerator(client, options);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync("Hi"));

        Assert.True(ex.IsTransient);
        Assert.Equal("connection_failed", ex.ErrorCode);
    }

    [Fact]
    public async Task StreamAsync_ConnectionResetMidStream_ThrowsTransientProviderException()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = async ctx =>
        {
            await RecordingServer.Sse(ctx, [AnthropicTestHost.MessageStart()]);
            ctx.Abort();
        };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Hi").ToResultAsync());

        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task StreamAsync_StallMidStream_ThrowsTimeout()
    {
        await using var host = await AnthropicTestHost.StartAsync(o => o.Timeout = TimeSpan.FromMilliseconds(300));
        host.Server.Handler = async ctx =>
        {
            await RecordingServer.Sse(ctx, [AnthropicTestHost.MessageStart()]);
            await RecordingServer.Hang(ctx);
        };

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Hi").ToResultAsync());

        Assert.Equal("timeout", ex.ErrorCode);
        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task StreamAsync_CancelledMidStream_ThrowsOperationCanceled()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = async ctx =>
        {
            await RecordingServer.Sse(ctx, [AnthropicTestHost.MessageStart(), AnthropicTestHost.TextDelta(0, "a")]);
            await RecordingServer.Hang(ctx);
        };
        using var cts = new CancellationTokenSource();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in host.Generator.StreamAsync("Hi", cancellationToken: cts.Token))
            {
                cts.Cancel();
            }
        });

        Assert.Equal(cts.Token, ex.CancellationToken);
    }

    [Fact]
    public async Task Failures_ServerEchoesKey_KeyNeverInLogsOrExceptions()
    {
        await using var host = await AnthropicTestHost.StartAsync(o => o.EnableSensitiveDataLogging = true);
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 401, Error("authentication_error", "invalid x-api-key " + AnthropicTestHost.ApiKey));
        var auth = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("Hi"));
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, [AnthropicTestHost.Event("error", Error("api_error", "echo " + AnthropicTestHost.ApiKey))]);
        var stream = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Key is " + AnthropicTestHost.ApiKey).ToResultAsync());

        Assert.Equal(AnthropicTestHost.ApiKey, host.Server.LastRequest.Header("x-api-key"));
        Assert.Contains(host.Logs.Messages, m => m.Contains("request body", StringComparison.Ordinal));
        Assert.DoesNotContain(AnthropicTestHost.ApiKey, host.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(AnthropicTestHost.ApiKey, auth.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(AnthropicTestHost.ApiKey, auth.BodyExcerpt, StringComparison.Ordinal);
        Assert.DoesNotContain(AnthropicTestHost.ApiKey, stream.ToString(), StringComparison.Ordinal);
    }
}
