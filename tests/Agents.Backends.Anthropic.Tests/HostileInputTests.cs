using Agents.Backends.Testing;

namespace Agents.Backends.Anthropic.Tests;

/// <summary>A hostile or broken Messages API server: endless bodies, wrong shapes, credentials in URLs, redirects.</summary>
public sealed class HostileInputTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private const long AllocationBudget = 48L * 1024 * 1024;

    [Fact]
    public async Task GenerateAsync_EndlessErrorBody_ReadsOnlyTheCap()
    {
        await using var host = await AnthropicTestHost.StartAsync(o => o.MaxErrorBodyBytes = 64 * 1024);
        host.Server.Handler = ctx => RecordingServer.Endless(ctx, 529, "application/json", "{\"type\":\"error\",\"error\":{\"message\":\"", 'x');

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("hi").WaitAsync(Deadline));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(529, ex.StatusCode);
        Assert.True(allocated < AllocationBudget, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task GenerateAsync_EndlessJsonBody_ThrowsResponseTooLarge()
    {
        await using var host = await AnthropicTestHost.StartAsync(o => o.MaxResponseBodyBytes = 1024 * 1024);
        host.Server.Handler = ctx => RecordingServer.Endless(ctx, 200, "application/json", "{\"content\":[{\"type\":\"text\",\"text\":\"", 'a');

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("hi").WaitAsync(Deadline));

        Assert.Equal("response_too_large", ex.ErrorCode);
    }

    [Fact]
    public async Task StreamAsync_EndlessEvent_ThrowsEventTooLarge()
    {
        await using var host = await AnthropicTestHost.StartAsync(o => o.MaxStreamEventBytes = 64 * 1024);
        host.Server.Handler = ctx => RecordingServer.Endless(ctx, 200, "text/event-stream", "event: content_block_delta\ndata: {\"delta\":{\"text\":\"", 'z');

        var ex = await Assert.ThrowsAsync<ProviderException>(() => DrainAsync(host.Generator.StreamAsync("hi")).WaitAsync(Deadline));

        Assert.Equal("event_too_large", ex.ErrorCode);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"content":[1]}""")]
    [InlineData("""{"content":[{"type":"text","text":"x"}],"usage":[]}""")]
    public async Task GenerateAsync_JsonOfTheWrongShape_ThrowsProviderExceptionWithExcerpt(string body)
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, body);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("hi"));

        Assert.Equal("unexpected_shape", ex.ErrorCode);
        Assert.Equal(body, ex.BodyExcerpt);
    }

    [Fact]
    public async Task StreamAsync_EventOfTheWrongShape_ThrowsProviderException()
    {
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, [AnthropicTestHost.Event("message_start", """{"message":7}"""), AnthropicTestHost.MessageStop]);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => DrainAsync(host.Generator.StreamAsync("hi")));

        Assert.Equal("unexpected_shape", ex.ErrorCode);
    }

    [Fact]
    public async Task GenerateAsync_RedirectToAnotherHost_XApiKeyNeverSent()
    {
        await using var other = await RecordingServer.StartAsync("/");
        await using var host = await AnthropicTestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Redirect(ctx, 307, new Uri(other.BaseAddress, "v1/messages").ToString());
        using var generator = new AnthropicGenerator(new AnthropicGeneratorOptions { Endpoint = host.Server.BaseAddress, Model = "m", ApiKey = AnthropicTestHost.ApiKey });

        var ex = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync("hi"));

        Assert.Equal("cross_origin_redirect", ex.ErrorCode);
        Assert.Empty(other.Requests);
    }

    [Fact]
    public async Task Endpoint_WithUserInfo_NeverPrinted()
    {
        var port = RecordingServer.FreePort();
        var logs = new CapturingLoggerFactory();
        var options = new AnthropicGeneratorOptions { Endpoint = new Uri($"http://bob:s3cretpass@127.0.0.1:{port}/"), Model = "m", ApiKey = AnthropicTestHost.ApiKey };
        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var generator = new AnthropicGenerator(client, options, logs);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => generator.GenerateAsync("hi"));

        Assert.DoesNotContain("s3cretpass", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretpass", logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretpass", generator.GetMetadata()!.Endpoint!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SeveralBadSettings_OneExceptionListsEach()
    {
        var options = new AnthropicGeneratorOptions { Model = null, ApiKey = "k", DefaultMaxTokens = 0, MaxErrorBodyBytes = 1 };
        using var client = new HttpClient();

        var ex = Assert.Throws<ArgumentException>(() => new AnthropicGenerator(client, options));

        Assert.Contains("Model", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultMaxTokens", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxErrorBodyBytes", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<int> DrainAsync(IAsyncEnumerable<GenerationUpdate> updates)
    {
        var count = 0;
        await foreach (var update in updates)
        {
            count += update.Text.Length;
        }

        return count;
    }
}
