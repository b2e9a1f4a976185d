using Agents.Backends.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Agents.Backends.OpenAI.Tests;

/// <summary>A hostile or broken OpenAI-compatible server: endless bodies, wrong shapes, credentials in URLs, redirects.</summary>
public sealed class HostileInputTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Far above the caps the tests set (64 KiB – 1 MiB), far below what reading an endless body until the 20 s timeout costs.
    private const long AllocationBudget = 48L * 1024 * 1024;

    [Fact]
    public async Task GenerateAsync_EndlessErrorBody_ReadsOnlyTheCapAndMapsTheStatus()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.MaxErrorBodyBytes = 64 * 1024);
        host.Server.Handler = ctx => RecordingServer.Endless(ctx, 500, "application/json", "{\"error\":{\"message\":\"", 'x');

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("hi").WaitAsync(Deadline));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(500, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.True(allocated < AllocationBudget, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task GenerateAsync_EndlessJsonBody_ThrowsResponseTooLargeWithFlatMemory()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.MaxResponseBodyBytes = 1024 * 1024);
        host.Server.Handler = ctx => RecordingServer.Endless(ctx, 200, "application/json", "{\"choices\":[{\"message\":{\"content\":\"", 'a');

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("hi").WaitAsync(Deadline));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("response_too_large", ex.ErrorCode);
        Assert.Contains("MaxResponseBodyBytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1048576", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBudget, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task GenerateAsync_BodyJustUnderTheCap_IsRead()
    {
        var padding = new string(' ', 2000);
        var body = OpenAITestHost.Completion + padding;
        await using var host = await OpenAITestHost.StartAsync(o => o.MaxResponseBodyBytes = System.Text.Encoding.UTF8.GetByteCount(body));
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, body);

        var result = await host.Generator.GenerateAsync("hi");

        Assert.Equal("Hello there.", result.Text);
    }

    [Fact]
    public async Task GenerateAsync_BodyOneByteOverTheCap_Throws()
    {
        var body = OpenAITestHost.Completion + new string(' ', 2000);
        await using var host = await OpenAITestHost.StartAsync(o => o.MaxResponseBodyBytes = System.Text.Encoding.UTF8.GetByteCount(body) - 1);
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, body);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("hi"));

        Assert.Equal("response_too_large", ex.ErrorCode);
    }

    [Fact]
    public async Task StreamAsync_EndlessLine_ThrowsEventTooLargeWithFlatMemory()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.MaxStreamEventBytes = 64 * 1024);
        host.Server.Handler = ctx => RecordingServer.Endless(ctx, 200, "text/event-stream", "data: {\"choices\":[{\"delta\":{\"content\":\"", 'z');

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => DrainAsync(host.Generator.StreamAsync("hi")).WaitAsync(Deadline));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("event_too_large", ex.ErrorCode);
        Assert.Contains("MaxStreamEventBytes", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBudget, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task StreamAsync_EndlessDataLinesWithoutBlankLine_ThrowsEventTooLarge()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.MaxStreamEventBytes = 64 * 1024);

        // Each "data:" line is short, but the event never ends: the parser would join them all.
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, Enumerable.Repeat("data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 5000));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => DrainAsync(host.Generator.StreamAsync("hi")).WaitAsync(Deadline));

        Assert.Equal("event_too_large", ex.ErrorCode);
    }

    [Fact]
    public async Task StreamAsync_ManySmallEvents_StayUnderTheCapTogether()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.MaxStreamEventBytes = 1024);
        var frames = Enumerable.Range(0, 200).Select(_ => OpenAITestHost.TextChunk("ab")).Append(OpenAITestHost.FinishChunk("stop")).Append(OpenAITestHost.Done);
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, frames);

        var text = string.Concat(await DrainAsync(host.Generator.StreamAsync("hi")));

        Assert.Equal(400, text.Length);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"choices":[1]}""")]
    [InlineData("""{"choices":[{"message":5}]}""")]
    [InlineData("""{"choices":[{"message":{"content":"x","tool_calls":[7]}}]}""")]
    public async Task GenerateAsync_JsonOfTheWrongShape_ThrowsProviderExceptionWithExcerpt(string body)
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, body);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("hi"));

        Assert.Equal("unexpected_shape", ex.ErrorCode);
        Assert.Equal(200, ex.StatusCode);
        Assert.Equal(body, ex.BodyExcerpt);
    }

    [Fact]
    public async Task StreamAsync_ChunkOfTheWrongShape_ThrowsProviderExceptionWithExcerpt()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, [OpenAITestHost.Frame("""{"choices":[1]}"""), OpenAITestHost.Done]);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => DrainAsync(host.Generator.StreamAsync("hi")));

        Assert.Equal("unexpected_shape", ex.ErrorCode);
        Assert.Equal("""{"choices":[1]}""", ex.BodyExcerpt);
    }

    [Fact]
    public async Task ListModelsAsync_DataOfTheWrongShape_ThrowsProviderException()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, """{"data":[{"id":"m","created":"soon"}, 4]}""");

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.ListModelsAsync());

        Assert.Equal("unexpected_shape", ex.ErrorCode);
    }

    [Fact]
    public async Task EmbeddingGenerator_VectorOfStrings_ThrowsProviderException()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, """{"data":[{"index":0,"embedding":["a","b"]}]}""");
        using var embeddings = new OpenAIEmbeddingGenerator(host.Client, host.Options);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => embeddings.GenerateAsync(["x"]));

        Assert.Equal("unexpected_shape", ex.ErrorCode);
    }

    [Fact]
    public async Task Endpoint_WithUserInfo_NeverPrinted()
    {
        var port = RecordingServer.FreePort();
        var logs = new CapturingLoggerFactory();
        var options = new OpenAIGeneratorOptions { Endpoint = new Uri($"http://alice:hunter2secret@127.0.0.1:{port}/v1/"), Model = "m" };
        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var generator = new OpenAIGenerator(client, options, logs);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync("hi"));

        Assert.Equal("connection_failed", ex.ErrorCode);
        Assert.DoesNotContain("hunter2secret", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2secret", logs.AllText, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", logs.AllText, StringComparison.Ordinal);
        var endpoint = generator.GetMetadata()!.Endpoint!.ToString();
        Assert.DoesNotContain("hunter2secret", endpoint, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", endpoint, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}/v1/", endpoint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_WithUserInfo_ServerEchoingItIsRedacted()
    {
        await using var server = await RecordingServer.StartAsync();
        var endpoint = new UriBuilder(server.BaseAddress) { UserName = "alice", Password = "hunter2secret" }.Uri;
        server.Handler = ctx => RecordingServer.Json(ctx, 500, """{"error":{"message":"bad login alice:hunter2secret"}}""");
        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var generator = new OpenAIGenerator(client, new OpenAIGeneratorOptions { Endpoint = endpoint, Model = "m" });

        var ex = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync("hi"));

        Assert.DoesNotContain("hunter2secret", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2secret", ex.BodyExcerpt, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("api-key")]
    public async Task GenerateAsync_RedirectToAnotherHost_NotFollowedAndKeyNeverSent(string keyHeader)
    {
        await using var other = await RecordingServer.StartAsync();
        await using var host = await OpenAITestHost.StartAsync(o => o.ApiKeyHeaderName = keyHeader);
        host.Server.Handler = ctx => RecordingServer.Redirect(ctx, 307, new Uri(other.BaseAddress, "chat/completions").ToString());
        using var generator = new OpenAIGenerator(host.Options);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync("hi"));

        Assert.Equal("cross_origin_redirect", ex.ErrorCode);
        Assert.Equal(307, ex.StatusCode);
        Assert.Empty(other.Requests);
    }

    [Fact]
    public async Task GenerateAsync_RedirectToAnotherHostThroughTheRegisteredClient_NotFollowed()
    {
        await using var other = await RecordingServer.StartAsync();
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Redirect(ctx, 302, new Uri(other.BaseAddress, "chat/completions").ToString());
        var services = new ServiceCollection();
        services.AddOpenAIGenerator(o =>
        {
            o.Endpoint = host.Options.Endpoint;
            o.Model = "m";
            o.ApiKeyHeaderName = "api-key";
            o.ApiKey = OpenAITestHost.ApiKey;
        });
        await using var provider = services.BuildServiceProvider();

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.GetRequiredService<IGenerator>().GenerateAsync("hi"));

        Assert.Equal("cross_origin_redirect", ex.ErrorCode);
        Assert.Empty(other.Requests);
    }

    [Fact]
    public async Task GenerateAsync_CallerClientFollowedACrossHostRedirect_AnswerRefused()
    {
        await using var other = await RecordingServer.StartAsync();
        other.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Redirect(ctx, 307, new Uri(other.BaseAddress, "chat/completions").ToString());

        // The test host's client follows redirects itself (the .NET default), so the generator only sees the answer.
        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("hi"));

        Assert.Equal("cross_origin_redirect", ex.ErrorCode);
    }

    [Fact]
    public async Task GenerateAsync_SameOriginRedirect_FollowedWithKeyAndBody()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => ctx.Request.Path.Value!.EndsWith("/moved", StringComparison.Ordinal)
            ? RecordingServer.Json(ctx, 200, OpenAITestHost.Completion)
            : RecordingServer.Redirect(ctx, 308, "/v1/moved");
        using var generator = new OpenAIGenerator(host.Options);

        var result = await generator.GenerateAsync("hi");

        Assert.Equal("Hello there.", result.Text);
        var moved = host.Server.LastRequest;
        Assert.Equal("/v1/moved", moved.Path);
        Assert.Equal("POST", moved.Method);
        Assert.Equal("Bearer " + OpenAITestHost.ApiKey, moved.Header("Authorization"));
        Assert.Contains("\"hi\"", moved.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_RedirectLoop_StopsAfterTheLimit()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Redirect(ctx, 307, "/v1/again");
        using var generator = new OpenAIGenerator(host.Options);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync("hi"));

        Assert.Equal("too_many_redirects", ex.ErrorCode);
        Assert.Equal(6, host.Server.Requests.Count);
    }

    [Fact]
    public void Constructor_SeveralBadSettings_OneExceptionListsEach()
    {
        var options = new OpenAIGeneratorOptions { Model = " ", Timeout = TimeSpan.Zero, MaxStreamEventBytes = 10 };
        using var client = new HttpClient();

        var ex = Assert.Throws<ArgumentException>(() => new OpenAIGenerator(client, options));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("Model", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Timeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxStreamEventBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamAsync_InvalidRequest_ThrowsAtTheCall()
    {
        using var client = new HttpClient();
        using var generator = new OpenAIGenerator(client, new OpenAIGeneratorOptions { Model = "m", Endpoint = new Uri("http://127.0.0.1:9/v1/") });

        Assert.Throws<ArgumentException>(() => generator.StreamAsync(new GenerationRequest([])));
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.StreamAsync(GenerationRequest.FromPrompt("x", new GenerationOptions { MaxTokens = 0 })));
    }

    private static async Task<List<string>> DrainAsync(IAsyncEnumerable<GenerationUpdate> updates)
    {
        var texts = new List<string>();
        await foreach (var update in updates)
        {
            if (update.Text is { Length: > 0 } text)
            {
                texts.Add(text);
            }
        }

        return texts;
    }
}
