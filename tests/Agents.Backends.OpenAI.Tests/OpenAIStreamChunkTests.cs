using System.Text;
using Agents.Backends.OpenAI.Chat;
using Agents.Backends.Testing;

namespace Agents.Backends.OpenAI.Tests;

/// <summary>The fast path for common stream chunks, and the general path it hands everything else to.</summary>
public sealed class OpenAIStreamChunkTests
{
    [Fact]
    public void TryRead_CommonChunk_ReadsTextAndIds()
    {
        var data = """{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m1","system_fingerprint":null,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi \u00e9\n\"q\""},"logprobs":null,"finish_reason":null}],"usage":null}"""u8;

        Assert.True(OpenAITextChunkReader.TryRead(data, readIds: true, out var chunk));

        Assert.Equal("Hi é\n\"q\"", chunk.Text);
        Assert.Equal("c1", chunk.Id);
        Assert.Equal("m1", chunk.Model);
    }

    [Fact]
    public void TryRead_IdsAlreadyKnown_SkipsThem()
    {
        Assert.True(OpenAITextChunkReader.TryRead("""{"id":"c1","model":"m1","choices":[{"delta":{"content":"x","tool_calls":null}},{"delta":{"content":"y"}}]}"""u8, readIds: false, out var chunk));

        Assert.Equal("x", chunk.Text);
        Assert.Null(chunk.Id);
        Assert.Null(chunk.Model);
    }

    [Theory]
    [InlineData("""{"choices":[{"delta":{},"finish_reason":"stop"}]}""")]
    [InlineData("""{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}""")]
    [InlineData("""{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{"}}]}}]}""")]
    [InlineData("""{"choices":[],"prompt_filter_results":[]}""")]
    [InlineData("""{"error":{"message":"boom"}}""")]
    [InlineData("""{"choices":[1]}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"choices":[{"delta":{"content":"x"}}]} trailing""")]
    [InlineData("""{"choices":[{"delta":{"content":"x"}}]""")]
    [InlineData("""{not json""")]
    public void TryRead_UncommonOrMalformedChunk_Declines(string json)
    {
        Assert.False(OpenAITextChunkReader.TryRead(Encoding.UTF8.GetBytes(json), readIds: true, out _));
    }

    [Fact]
    public void TryRead_InvalidUtf8InText_Declines()
    {
        byte[] data = [.. """{"choices":[{"delta":{"content":"a"""u8, 0xFF, .. """b"}}]}"""u8];

        Assert.False(OpenAITextChunkReader.TryRead(data, readIds: true, out _));
    }

    [Fact]
    public async Task StreamAsync_MixedChunkShapes_YieldsTheTextOfTheFirstChoiceOnly()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx,
        [
            OpenAITestHost.Frame("""{"id":"","choices":[],"prompt_filter_results":[{"prompt_index":0}]}"""),
            OpenAITestHost.Frame("""{"id":"c9","model":"m9","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}"""),
            OpenAITestHost.Frame("""{"id":"c9","model":"m9","choices":[{"index":0,"delta":{"content":"caf\u00e9"}},{"index":1,"delta":{"content":"other"}}],"usage":null}"""),
            OpenAITestHost.Frame("""{"id":"c9","model":"m9","choices":[{"index":0,"delta":{"content":" ok"},"finish_reason":"stop"}],"usage":null}"""),
            OpenAITestHost.UsageChunk(5, 2, 0),
            OpenAITestHost.Done,
        ]);

        var updates = new List<GenerationUpdate>();
        await foreach (var update in host.Generator.StreamAsync("Hi"))
        {
            updates.Add(update);
        }

        Assert.Equal(["café", " ok", string.Empty], updates.Select(u => u.Text));
        Assert.All(updates, u => Assert.Equal("c9", u.ResponseId));
        Assert.All(updates, u => Assert.Equal("m9", u.ModelId));
        Assert.Equal(FinishReason.Stop, updates[^1].FinishReason);
        Assert.Equal(new Usage { PromptTokens = 5, CompletionTokens = 2 }, updates[^1].Usage);
    }

    [Fact]
    public async Task StreamAsync_ChunkWithTrailingGarbage_ThrowsProviderException()
    {
        await using var host = await OpenAITestHost.StartAsync();
        host.Server.Handler = ctx => RecordingServer.Sse(ctx,
            [OpenAITestHost.Frame("""{"choices":[{"delta":{"content":"x"}}]} junk"""), OpenAITestHost.Done]);

        var ex = await Assert.ThrowsAsync<ProviderException>(() => host.Generator.StreamAsync("Hi").ToResultAsync());

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.Contains("junk", ex.BodyExcerpt, StringComparison.Ordinal);
    }
}
