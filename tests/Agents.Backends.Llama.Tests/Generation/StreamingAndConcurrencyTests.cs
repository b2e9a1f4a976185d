using System.Text;
using Agents.Backends.Llama.Generation;
using Agents.Backends.Llama.Tests.Infrastructure;
using LLama;

namespace Agents.Backends.Llama.Tests.Generation;

public sealed class StreamingAndConcurrencyTests(GeneratorFixture fixture) : IClassFixture<GeneratorFixture>
{
    private readonly LlamaGenerator _generator = fixture.Generator;

    private static bool IsWholeUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\uFFFD')
            {
                return false;
            }

            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void TokenByTokenDecoding_Emoji_NeverSplitsACharacter()
    {
        const string text = "Party 🎉 time 😀👍🏽 ok ✨";
        var weights = _generator.GetService<LlamaModel>()!.Weights;
        var tokens = weights.Tokenize(text, add_bos: false, special: false, Encoding.UTF8);
        Assert.True(tokens.Length > text.Length / 2, "the emoji should be split into byte tokens");
        var decoder = new StreamingTokenDecoder(Encoding.UTF8, weights);
        var matcher = new StopSequenceMatcher(["never"]);
        var pieces = new List<string>();
        foreach (var token in tokens)
        {
            decoder.Add(token);
            pieces.Add(matcher.Append(decoder.Read(), out _));
        }

        pieces.Add(matcher.Flush());

        Assert.All(pieces, p => Assert.True(IsWholeUtf16(p), $"piece '{p}' is not whole UTF-16"));
        Assert.Equal(text, string.Concat(pieces).TrimStart());
    }

    [Fact]
    public async Task StreamAsync_Emoji_PiecesAreWholeAndConcatenateToResult()
    {
        var options = new GenerationOptions { MaxTokens = 48, Decoding = DecodingStrategy.Greedy };
        var result = await _generator.GenerateAsync("🎉😀 emoji party 👍🏽✨", options);

        var pieces = new List<string>();
        GenerationUpdate? last = null;
        await foreach (var update in _generator.StreamAsync("🎉😀 emoji party 👍🏽✨", options.Clone()))
        {
            pieces.Add(update.Text);
            last = update;
        }

        Assert.Equal(result.Text, string.Concat(pieces));
        Assert.All(pieces, p => Assert.False(p.Length > 0 && (char.IsHighSurrogate(p[^1]) || char.IsLowSurrogate(p[0])), $"piece '{p}' splits a surrogate pair"));
        Assert.NotNull(last?.FinishReason);
        Assert.NotNull(last.Usage);
        Assert.NotNull(last.Timings?.Total);
        Assert.True(pieces.Count > 2);
    }

    [Fact]
    public async Task StreamAsync_CancelledMidStream_ThrowsAndFreesTheSequence()
    {
        using var cts = new CancellationTokenSource();
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in _generator.StreamAsync("Keep talking", new GenerationOptions { MaxTokens = 400 }, cts.Token))
            {
                if (++received == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(3, received);

        // The generator carries on: a sequence was freed, nothing is corrupted.
        var after = await _generator.GenerateAsync("Hello", new GenerationOptions { MaxTokens = 4 });
        Assert.NotNull(after.FinishReason);
    }

    [Fact]
    public async Task GenerateAsync_AlreadyCancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _generator.GenerateAsync("Hello", null, cts.Token));
    }

    [Fact]
    public async Task StreamAsync_AbandonedEnumeration_FreesTheSequence()
    {
        for (var i = 0; i < 12; i++)
        {
            await foreach (var update in _generator.StreamAsync("Abandon me", new GenerationOptions { MaxTokens = 300 }))
            {
                break;
            }
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            _generator.GenerateAsync("Still fine?", new GenerationOptions { MaxTokens = 4 })));
        Assert.All(results, r => Assert.NotNull(r.FinishReason));
    }

    [Fact]
    public async Task GenerateAsync_EightConcurrentRequests_EachMatchesItsSequentialOutput()
    {
        var prompts = Enumerable.Range(0, 8).Select(i => $"Request number {i}: describe item {i * 7}").ToArray();
        var options = new GenerationOptions { MaxTokens = 32, Decoding = DecodingStrategy.Greedy };
        var sequential = new List<string>();
        foreach (var prompt in prompts)
        {
            sequential.Add((await _generator.GenerateAsync(prompt, options.Clone())).Text);
        }

        var concurrent = await Task.WhenAll(prompts.Select(p => Task.Run(() => _generator.GenerateAsync(p, options.Clone()))));

        Assert.Equal(sequential, concurrent.Select(r => r.Text));
    }

    [Fact]
    public async Task GenerateAsync_MixedConcurrentStrategies_AllComplete()
    {
        var tasks = new List<Task<GenerationResult>>
        {
            _generator.GenerateAsync("a", new GenerationOptions { MaxTokens = 20, Decoding = DecodingStrategy.Beam(3) }),
            _generator.GenerateAsync("b", new GenerationOptions { MaxTokens = 20, Temperature = 0.7f, Seed = 5 }),
            _generator.GenerateAsync("c", new GenerationOptions { MaxTokens = 20 }),
            _generator.GenerateAsync("d", new GenerationOptions { MaxTokens = 20, Decoding = DecodingStrategy.Beam(2) }),
        };
        var alone = await _generator.GenerateAsync("a", new GenerationOptions { MaxTokens = 20, Decoding = DecodingStrategy.Beam(3) });

        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.NotNull(r.FinishReason));
        Assert.Equal(alone.Text, results[0].Text);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public async Task StreamAsync_AnyFlushInterval_DeliversEveryTokenAsItsOwnUpdateInOrder(int flushMilliseconds)
    {
        var options = GeneratorFixture.CreateOptions();
        options.Scheduling.StreamFlushInterval = TimeSpan.FromMilliseconds(flushMilliseconds);
        using var generator = new LlamaGenerator(options);
        var request = GenerationRequest.FromPrompt("Count the stars.", new GenerationOptions { MaxTokens = 24, Temperature = 0, IncludeLogProbabilities = true });

        var whole = await generator.GenerateAsync(request);
        var updates = new List<GenerationUpdate>();
        await foreach (var update in generator.StreamAsync(request))
        {
            updates.Add(update);
        }

        // Log-probabilities come one per token, so every generated token is still its own update.
        Assert.Equal(whole.Usage!.CompletionTokens, updates.Sum(u => u.LogProbabilities?.Count ?? 0));
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.NotNull(updates[^1].FinishReason);
    }
}
