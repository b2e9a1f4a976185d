using System.Collections.Concurrent;
using Agents.Backends.Testing;

namespace Agents.Backends.Anthropic.Tests;

public sealed class AnthropicModelListTests
{
    private const string FirstPage = """
        {"data":[
          {"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"},
          {"type":"model","id":"claude-3-7-sonnet","display_name":"Claude Sonnet 3.7","created_at":"2025-02-19T12:30:00+02:00"}],
         "has_more":true,"first_id":"claude-sonnet-4-5","last_id":"claude-3-7-sonnet"}
        """;

    private const string SecondPage = """
        {"data":[{"type":"model","id":"claude-3-haiku"},{"type":"model","display_name":"no id: skipped"}],
         "has_more":false,"first_id":"claude-3-haiku","last_id":"claude-3-haiku"}
        """;

    [Fact]
    public async Task ListModelsAsync_TwoPages_FollowsCursorWithHeadersAndParsesModels()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        var queries = new ConcurrentQueue<string>();
        host.Server.Handler = ctx =>
        {
            var query = ctx.Request.QueryString.Value ?? string.Empty;
            queries.Enqueue(query);
            return RecordingServer.Json(ctx, 200, query.Contains("after_id", StringComparison.Ordinal) ? SecondPage : FirstPage);
        };

        var models = await host.Generator.ListModelsAsync();

        Assert.Equal(["?limit=1000", "?limit=1000&after_id=claude-3-7-sonnet"], queries);
        Assert.Equal(2, host.Server.Requests.Count);
        Assert.All(host.Server.Requests, request =>
        {
            Assert.Equal("GET", request.Method);
            Assert.Equal("/v1/models", request.Path);
            Assert.Equal(AnthropicTestHost.ApiKey, request.Header("x-api-key"));
            Assert.Equal("2023-06-01", request.Header("anthropic-version"));
            Assert.Equal("application/json", request.Header("accept"));
            Assert.Null(request.Header("authorization"));
            Assert.Equal(string.Empty, request.Body);
        });
        Assert.Equal(
            [
                new AnthropicModelInfo("claude-sonnet-4-5", "Claude Sonnet 4.5", new DateTimeOffset(2025, 9, 29, 0, 0, 0, TimeSpan.Zero)),
                new AnthropicModelInfo("claude-3-7-sonnet", "Claude Sonnet 3.7", new DateTimeOffset(2025, 2, 19, 10, 30, 0, TimeSpan.Zero)),
                new AnthropicModelInfo("claude-3-haiku"),
            ],
            models);
    }

    [Fact]
    public async Task ListModelsAsync_EndpointWithPathAndNoTrailingSlash_AppendsV1Models()
    {
        await using var server = await RecordingServer.StartAsync("/");
        server.Handler = ctx => RecordingServer.Json(ctx, 200, SecondPage);
        using var client = new HttpClient();
        var options = new AnthropicGeneratorOptions { Endpoint = new Uri(server.BaseAddress, "proxy/anthropic"), Model = "m", ApiKey = AnthropicTestHost.ApiKey };
        using var generator = new AnthropicGenerator(client, options);

        await generator.ListModelsAsync();

        Assert.Equal("/proxy/anthropic/v1/models", server.LastRequest.Path);
    }

    [Fact]
    public async Task ListModelsAsync_Unauthorized_ThrowsNonTransientProviderExceptionWithDetails()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(
            ctx, 401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""", ("request-id", "req_auth"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.ListModelsAsync());

        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("authentication_error", ex.ErrorCode);
        Assert.Equal("anthropic", ex.Provider);
        Assert.Equal("req_auth", ex.RequestId);
        Assert.False(ex.IsTransient);
        Assert.Contains("invalid x-api-key", ex.BodyExcerpt, StringComparison.Ordinal);
        Assert.DoesNotContain(AnthropicTestHost.ApiKey, ex.Message, StringComparison.Ordinal);
        Assert.Single(host.Server.Requests);
    }

    [Fact]
    public async Task ListModelsAsync_RateLimitedOnSecondPage_ThrowsRateLimited()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => ctx.Request.QueryString.Value!.Contains("after_id", StringComparison.Ordinal)
            ? RecordingServer.Json(ctx, 429, """{"type":"error","error":{"type":"rate_limit_error","message":"slow"}}""", ("retry-after", "3"))
            : RecordingServer.Json(ctx, 200, FirstPage);

        var ex = await Assert.ThrowsAsync<RateLimitedException>(() => host.Generator.ListModelsAsync());

        Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
        Assert.Equal(2, host.Server.Requests.Count);
    }

    [Fact]
    public async Task ListModelsAsync_InvalidJson_ThrowsTransientProviderException()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, """{"data":[{"id":""", ("request-id", "req_bad"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.ListModelsAsync());

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.Equal("req_bad", ex.RequestId);
        Assert.True(ex.IsTransient);
    }

    [Theory]
    [InlineData("""{"type":"list"}""", "'data'")]
    [InlineData("""{"data":{"id":"claude"}}""", "'data'")]
    [InlineData("""[{"id":"claude"}]""", "'data'")]
    [InlineData("""{"data":[{"id":"claude"}],"has_more":true}""", "'last_id'")]
    public async Task ListModelsAsync_NotAModelList_ThrowsProviderExceptionWithExcerpt(string body, string named)
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, body, ("request-id", "req_odd"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.ListModelsAsync());

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.Equal(200, ex.StatusCode);
        Assert.Equal("req_odd", ex.RequestId);
        Assert.Equal(body, ex.BodyExcerpt);
        Assert.Single(host.Server.Requests);
    }

    [Fact]
    public async Task ListModelsAsync_CursorNeverEnds_StopsAtPageCap()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, """{"data":[],"has_more":true,"last_id":"same"}""");

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.ListModelsAsync());

        Assert.Equal("too_many_pages", ex.ErrorCode);
        Assert.Equal(50, host.Server.Requests.Count);
    }

    [Fact]
    public async Task ListModelsAsync_ServerStalls_ThrowsTimeout()
    {
        await using var host = await AnthropicTestHost.StartAsync(o => o.Timeout = TimeSpan.FromMilliseconds(300));
        host.Server.Handler = RecordingServer.Hang;

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.ListModelsAsync());

        Assert.Equal("timeout", ex.ErrorCode);
        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task ListModelsAsync_CallerCancels_ThrowsOperationCanceledWithCallerToken()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = RecordingServer.Hang;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Generator.ListModelsAsync(cts.Token));

        Assert.Equal(cts.Token, ex.CancellationToken);
    }
}
