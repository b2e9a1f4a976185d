using Agents.Backends.Testing;

namespace Agents.Backends.OpenAI.Tests;

public sealed class OpenAISecretTests
{
    [Fact]
    public async Task Failures_ServerEchoesKey_KeyNeverInLogsOrExceptions()
    {
        await using var host = await OpenAITestHost.StartAsync(o => o.EnableSensitiveDataLogging = true);
        var failures = new List<Exception>();

        // A 401 that quotes the key back (as proxies and some servers do), an error event quoting it mid-stream,
        // and a timeout: every path that builds a message or a log line.
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 401, $$$"""{"error":{"message":"Incorrect API key provided: {{{OpenAITestHost.ApiKey}}}.","code":"invalid_api_key"}}""");
        failures.Add(await Assert.ThrowsAsync<ProviderException>(() => host.Generator.GenerateAsync("Hi")));
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 400, $$$"""{"error":{"message":"bad header Bearer {{{OpenAITestHost.ApiKey}}}"}}""");
        failures.Add(await Assert.ThrowsAsync<InvalidRequestException>(() => host.Generator.GenerateAsync("Hi")));
        host.Server.Handler = ctx => RecordingServer.Sse(ctx, [OpenAITestHost.Frame($$$"""{"error":{"message":"key {{{OpenAITestHost.ApiKey}}} revoked","type":"authentication_error"}}""")]);
        failures.Add(await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Hi").ToResultAsync()));
        host.Server.Handler = ctx => RecordingServer.Json(ctx, 200, OpenAITestHost.Completion);
        await host.Generator.GenerateAsync("Prompt mentioning " + OpenAITestHost.ApiKey);

        Assert.Equal("Bearer " + OpenAITestHost.ApiKey, host.Server.LastRequest.Header("authorization"));
        Assert.NotEmpty(host.Logs.Messages);
        Assert.Contains(host.Logs.Messages, m => m.Contains("request body", StringComparison.Ordinal));
        Assert.DoesNotContain(OpenAITestHost.ApiKey, host.Logs.AllText, StringComparison.Ordinal);
        foreach (var failure in failures)
        {
            Assert.DoesNotContain(OpenAITestHost.ApiKey, failure.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(OpenAITestHost.ApiKey, (failure as ProviderException ?? failure.InnerException as ProviderException)?.BodyExcerpt ?? string.Empty, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Options_ToString_DoesNotRevealKey()
    {
        var options = new OpenAIGeneratorOptions { ApiKey = OpenAITestHost.ApiKey, Model = "m" };

        Assert.DoesNotContain(OpenAITestHost.ApiKey, options.ToString(), StringComparison.Ordinal);
    }
}
