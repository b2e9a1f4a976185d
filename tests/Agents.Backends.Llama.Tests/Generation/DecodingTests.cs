using Agents.Backends.Llama.Tests.Infrastructure;

namespace Agents.Backends.Llama.Tests.Generation;

public sealed class DecodingTests(GeneratorFixture fixture) : IClassFixture<GeneratorFixture>
{
    private readonly IGenerator _generator = fixture.Generator;

    private static GenerationOptions Greedy(int maxTokens = 24) => new() { MaxTokens = maxTokens, Decoding = DecodingStrategy.Greedy };

    [Fact]
    public async Task GenerateAsync_Greedy_IsDeterministic()
    {
        var first = await _generator.GenerateAsync("Tell me about the sea.", Greedy());
        var second = await _generator.GenerateAsync("Tell me about the sea.", Greedy());

        Assert.False(string.IsNullOrEmpty(first.Text));
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Usage, second.Usage);
    }

    [Fact]
    public async Task GenerateAsync_Greedy_ReportsUsageTimingsAndModel()
    {
        var result = await _generator.GenerateAsync("Hello there", Greedy(8));

        Assert.NotNull(result.Usage);
        Assert.True(result.Usage.PromptTokens > 0);
        Assert.Equal(0, result.Usage.CachedPromptTokens);
        Assert.InRange(result.Usage.CompletionTokens, 1, 8);
        Assert.NotNull(result.Timings?.TimeToFirstToken);
        Assert.True(result.Timings.Total >= result.Timings.TimeToFirstToken);
        Assert.Equal("llama-2-tiny-random", result.ModelId);
        if (result.FinishReason == FinishReason.Length)
        {
            Assert.Equal(8, result.Usage.CompletionTokens);
        }
        else
        {
            Assert.Equal(FinishReason.Stop, result.FinishReason);
        }
    }

    [Fact]
    public async Task GenerateAsync_SameSeed_GivesSameSample()
    {
        var options = new GenerationOptions { MaxTokens = 24, Temperature = 0.9f, TopP = 0.95f, MinP = 0.01f, Seed = 1234, RepetitionPenalty = 1.1f };

        var first = await _generator.GenerateAsync("Once upon a time", options);
        var second = await _generator.GenerateAsync("Once upon a time", options.Clone());

        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public async Task GenerateAsync_SeedsDiffer_SamplesDiffer()
    {
        var texts = new HashSet<string>(StringComparer.Ordinal);
        for (var seed = 1; seed <= 4; seed++)
        {
            var result = await _generator.GenerateAsync("Once upon a time", new GenerationOptions { MaxTokens = 16, Temperature = 1.5f, Seed = seed });
            texts.Add(result.Text);
        }

        Assert.True(texts.Count > 1);
    }

    [Fact]
    public async Task GenerateAsync_TopKOne_EqualsGreedy()
    {
        var greedy = await _generator.GenerateAsync("The quick brown fox", Greedy());
        var topK = await _generator.GenerateAsync(
            "The quick brown fox", new GenerationOptions { MaxTokens = 24, Temperature = 0.8f, TopK = 1, Seed = 99 });

        Assert.Equal(greedy.Text, topK.Text);
    }

    [Fact]
    public async Task GenerateAsync_LogProbabilities_OnePerTokenAndNotPositive()
    {
        var result = await _generator.GenerateAsync("Numbers:", new GenerationOptions { MaxTokens = 10, IncludeLogProbabilities = true });

        Assert.NotNull(result.LogProbabilities);
        Assert.Equal(result.Usage!.CompletionTokens, result.LogProbabilities.Count);
        Assert.All(result.LogProbabilities, lp => Assert.True(lp.LogProbability <= 0));
        Assert.All(result.LogProbabilities, lp => Assert.NotNull(lp.TokenId));
    }

    [Fact]
    public async Task GenerateAsync_StopSequenceInOutput_StopsBeforeIt()
    {
        var full = await _generator.GenerateAsync("Write a list of words", Greedy(40));
        Assert.True(full.Text.Length >= 12, $"greedy output too short to pick a stop from: '{full.Text}'");
        var stop = full.Text.Substring(full.Text.Length / 2, 3);
        var expected = full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)];

        var options = Greedy(40);
        options.StopSequences = [stop];
        var stopped = await _generator.GenerateAsync("Write a list of words", options);

        Assert.Equal(expected, stopped.Text);
        Assert.Equal(FinishReason.StopSequence, stopped.FinishReason);
    }

    [Fact]
    public async Task StreamAsync_StopSequenceStraddlingTokens_IsFoundAndNotReturned()
    {
        var options = Greedy(40);
        options.IncludeLogProbabilities = true;
        var full = await _generator.GenerateAsync("Write a list of words", options);
        var tokenizer = _generator.GetService<ITokenizer>()!;
        var ids = full.LogProbabilities!.Select(lp => lp.TokenId!.Value).ToList();

        // Find a token boundary with text on both sides, and a stop made of the characters around it.
        string? stop = null;
        for (var k = 2; k < ids.Count - 1 && stop is null; k++)
        {
            var boundary = tokenizer.Decode(ids.Take(k)).Length;
            if (boundary >= 2 && boundary + 2 <= full.Text.Length && tokenizer.Decode(ids.Take(k + 1)).Length >= boundary + 2)
            {
                var candidate = full.Text.Substring(boundary - 2, 4);
                if (full.Text.IndexOf(candidate, StringComparison.Ordinal) == boundary - 2)
                {
                    stop = candidate;
                }
            }
        }

        Assert.NotNull(stop);
        var expected = full.Text[..full.Text.IndexOf(stop, StringComparison.Ordinal)];
        var stopOptions = Greedy(40);
        stopOptions.StopSequences = ["never-appears-xyz", stop];
        var pieces = new List<string>();
        FinishReason? reason = null;
        await foreach (var update in _generator.StreamAsync("Write a list of words", stopOptions))
        {
            pieces.Add(update.Text);
            reason = update.FinishReason ?? reason;
        }

        Assert.Equal(expected, string.Concat(pieces));
        Assert.Equal(FinishReason.StopSequence, reason);
    }

    [Fact]
    public async Task GenerateAsync_BeamWidthOne_EqualsGreedy()
    {
        var greedy = await _generator.GenerateAsync("A poem about rain", Greedy(20));
        var beam = await _generator.GenerateAsync(
            "A poem about rain", new GenerationOptions { MaxTokens = 20, Decoding = DecodingStrategy.Beam(1) });

        Assert.Equal(greedy.Text, beam.Text);
        Assert.Equal(greedy.FinishReason, beam.FinishReason);
    }

    [Fact]
    public async Task GenerateAsync_BeamWidthFour_ScoresAtLeastGreedyLogLikelihood()
    {
        var greedyOptions = Greedy(12);
        greedyOptions.IncludeLogProbabilities = true;
        var greedy = await _generator.GenerateAsync("A poem about rain", greedyOptions);
        var greedyLogLikelihood = greedy.LogProbabilities!.Sum(lp => lp.LogProbability);

        var beam = await _generator.GenerateAsync(
            "A poem about rain",
            new GenerationOptions { MaxTokens = 12, Decoding = DecodingStrategy.Beam(4, lengthPenalty: 0f, returnAllBeams: true) });

        Assert.NotNull(beam.Beams);
        Assert.InRange(beam.Beams.Count, 1, 4);
        Assert.Equal(beam.Text, beam.Beams[0].Text);
        Assert.True(beam.Beams[0].Score >= greedyLogLikelihood - 1e-4, $"beam {beam.Beams[0].Score} < greedy {greedyLogLikelihood}");
        Assert.Equal(beam.Beams.OrderByDescending(b => b.Score).Select(b => b.Score), beam.Beams.Select(b => b.Score));
    }

    [Fact]
    public async Task GenerateAsync_BeamSearch_IsDeterministicAndHonoursStopSequences()
    {
        var options = new GenerationOptions { MaxTokens = 16, Decoding = DecodingStrategy.Beam(3) };
        var first = await _generator.GenerateAsync("Colours of the rainbow", options);
        var second = await _generator.GenerateAsync("Colours of the rainbow", options.Clone());
        Assert.Equal(first.Text, second.Text);

        var stopOptions = options.Clone();
        stopOptions.StopSequences = [first.Text.Substring(first.Text.Length / 2, 2)];
        var stopped = await _generator.GenerateAsync("Colours of the rainbow", stopOptions);
        Assert.DoesNotContain(stopOptions.StopSequences[0], stopped.Text, StringComparison.Ordinal);
    }
}
