namespace Agents.Abstractions.Tests.Results;

public sealed class GenerationResultAccumulatorTests
{
    private static readonly TokenLogProbability[] FirstLogProbabilities = [new("a", -0.5)];
    private static readonly TokenLogProbability[] SecondLogProbabilities = [new("b", -1.5)];

    [Fact]
    public void Build_NoUpdates_EmptyAssistantMessageAndNoMetadata()
    {
        var accumulator = new GenerationResultAccumulator();

        var result = accumulator.Build();

        Assert.Equal(0, accumulator.UpdateCount);
        Assert.Equal(MessageRole.Assistant, result.Message.Role);
        Assert.Equal(string.Empty, result.Text);
        Assert.Empty(result.Message.ToolCalls);
        Assert.Null(result.FinishReason);
        Assert.Null(result.Usage);
        Assert.Null(result.Timings);
        Assert.Null(result.ModelId);
        Assert.Null(result.ResponseId);
        Assert.Null(result.LogProbabilities);
        Assert.Null(result.Beams);
        Assert.Null(result.AdditionalProperties);
    }

    [Fact]
    public void Add_SeveralUpdatesCarryMetadata_TheLastNonNullValueWins()
    {
        var accumulator = new GenerationResultAccumulator();
        var firstUsage = new Usage { PromptTokens = 1 };
        var lastUsage = new Usage { PromptTokens = 2 };
        var firstTimings = new GenerationTimings { Total = TimeSpan.FromSeconds(1) };
        var lastTimings = new GenerationTimings { Total = TimeSpan.FromSeconds(2) };
        BeamResult[] firstBeams = [new("one", -1, -1, 1)];
        BeamResult[] lastBeams = [new("two", -2, -2, 1)];

        accumulator.Add(new GenerationUpdate
        {
            Text = "a", FinishReason = FinishReason.Length, Usage = firstUsage, Timings = firstTimings, ModelId = "m1", ResponseId = "r1", Beams = firstBeams,
        });
        accumulator.Add(new GenerationUpdate
        {
            Text = "b", FinishReason = FinishReason.Stop, Usage = lastUsage, Timings = lastTimings, ModelId = "m2", ResponseId = "r2", Beams = lastBeams,
        });
        accumulator.Add(new GenerationUpdate { Text = "c" });

        var result = accumulator.Build();

        Assert.Equal(3, accumulator.UpdateCount);
        Assert.Equal("abc", result.Text);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal(FinishReason.Stop, accumulator.FinishReason);
        Assert.Same(lastUsage, result.Usage);
        Assert.Same(lastTimings, result.Timings);
        Assert.Equal("m2", result.ModelId);
        Assert.Equal("r2", result.ResponseId);
        Assert.Same(lastBeams, result.Beams);
    }

    [Fact]
    public void Add_MetadataOnlyInTheFirstUpdate_IsKept()
    {
        var accumulator = new GenerationResultAccumulator();
        var usage = new Usage { CompletionTokens = 3 };
        var timings = new GenerationTimings { TimeToFirstToken = TimeSpan.FromMilliseconds(5) };
        BeamResult[] beams = [new("x", -0.1, -0.1, 1)];
        accumulator.Add(new GenerationUpdate
        {
            FinishReason = FinishReason.ToolCalls, Usage = usage, Timings = timings, ModelId = "m", ResponseId = "r", Beams = beams,
        });

        accumulator.Add(new GenerationUpdate { Text = "later" });
        var result = accumulator.Build();

        Assert.Equal(FinishReason.ToolCalls, result.FinishReason);
        Assert.Same(usage, result.Usage);
        Assert.Same(timings, result.Timings);
        Assert.Equal("m", result.ModelId);
        Assert.Equal("r", result.ResponseId);
        Assert.Same(beams, result.Beams);
    }

    [Fact]
    public void Add_ToolCallsAndLogProbabilities_AccumulateInOrder()
    {
        var accumulator = new GenerationResultAccumulator();
        var first = new ToolCall("1", "lookup", "{}");
        var second = new ToolCall("2", "search", "{\"q\":1}");

        accumulator.Add(new GenerationUpdate { ToolCalls = [first], LogProbabilities = FirstLogProbabilities });
        accumulator.Add(new GenerationUpdate { LogProbabilities = [] });
        accumulator.Add(new GenerationUpdate { ToolCalls = [second], LogProbabilities = SecondLogProbabilities });
        var result = accumulator.Build();

        Assert.Equal([first, second], result.Message.ToolCalls);
        Assert.Equal([.. FirstLogProbabilities, .. SecondLogProbabilities], result.LogProbabilities!);
    }

    [Fact]
    public void Add_EmptyLogProbabilities_LeavesThemNull()
    {
        var accumulator = new GenerationResultAccumulator();

        accumulator.Add(new GenerationUpdate { Text = "x", LogProbabilities = [] });

        Assert.Null(accumulator.Build().LogProbabilities);
    }

    [Fact]
    public void Add_AdditionalProperties_MergedWithLaterValuesWinningAndOrdinalKeys()
    {
        var accumulator = new GenerationResultAccumulator();

        accumulator.Add(new GenerationUpdate { AdditionalProperties = new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 } });
        accumulator.Add(new GenerationUpdate { AdditionalProperties = new Dictionary<string, object?> { ["b"] = 3, ["B"] = 4 } });
        var properties = accumulator.Build().AdditionalProperties!;

        Assert.Equal(3, properties.Count);
        Assert.Equal(1, properties["a"]);
        Assert.Equal(3, properties["b"]);
        Assert.Equal(4, properties["B"]);
    }

    [Fact]
    public void Build_CalledTwice_ResultsAreIndependentSnapshots()
    {
        var accumulator = new GenerationResultAccumulator();
        accumulator.Add(new GenerationUpdate { Text = "a", ToolCalls = [new ToolCall("1", "t", "{}")] });
        var first = accumulator.Build();

        accumulator.Add(new GenerationUpdate { Text = "b", ToolCalls = [new ToolCall("2", "t", "{}")] });
        var second = accumulator.Build();

        Assert.Equal("a", first.Text);
        Assert.Single(first.Message.ToolCalls);
        Assert.Equal("ab", second.Text);
        Assert.Equal(2, second.Message.ToolCalls.Count);
    }

    [Fact]
    public void Add_Null_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new GenerationResultAccumulator().Add(null!));

    [Fact]
    public async Task ToResultAsync_And_ToResult_And_Tee_AgreeWithTheAccumulator()
    {
        var usage = new Usage { PromptTokens = 4, CompletionTokens = 2 };
        GenerationUpdate[] updates = [new() { Text = "he" }, new() { Text = "llo", FinishReason = FinishReason.Stop, Usage = usage }];

        var viaAsync = await ToAsync(updates).ToResultAsync();
        var viaSync = updates.ToResult();
        var tee = new GenerationResultAccumulator();
        var passed = new List<GenerationUpdate>();
        await foreach (var update in ToAsync(updates).Tee(tee))
        {
            passed.Add(update);
        }

        foreach (var result in new[] { viaAsync, viaSync, tee.Build() })
        {
            Assert.Equal("hello", result.Text);
            Assert.Equal(FinishReason.Stop, result.FinishReason);
            Assert.Same(usage, result.Usage);
        }

        Assert.Equal(updates, passed);
    }

    [Fact]
    public void ToUpdates_RoundTripsThroughTheAccumulator()
    {
        var original = new GenerationResult(Message.Assistant("hi") with { ToolCalls = [new ToolCall("1", "t", "{}")] })
        {
            FinishReason = FinishReason.Stop,
            Usage = new Usage { PromptTokens = 1, CompletionTokens = 1 },
            Timings = new GenerationTimings { Total = TimeSpan.FromSeconds(1) },
            ModelId = "m",
            ResponseId = "r",
            LogProbabilities = FirstLogProbabilities,
            Beams = [new BeamResult("hi", -1, -1, 1)],
            AdditionalProperties = new Dictionary<string, object?> { ["k"] = "v" },
        };

        var copy = original.ToUpdates().ToResult();

        Assert.Equal(original.Message, copy.Message);
        Assert.Equal(original.FinishReason, copy.FinishReason);
        Assert.Same(original.Usage, copy.Usage);
        Assert.Same(original.Timings, copy.Timings);
        Assert.Equal(original.ModelId, copy.ModelId);
        Assert.Equal(original.ResponseId, copy.ResponseId);
        Assert.Equal(original.LogProbabilities, copy.LogProbabilities!);
        Assert.Same(original.Beams, copy.Beams);
        Assert.Equal("v", copy.AdditionalProperties!["k"]);
        Assert.Equal("hi", original.ToString());
    }

    private static async IAsyncEnumerable<GenerationUpdate> ToAsync(IEnumerable<GenerationUpdate> updates)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            yield return update;
        }
    }
}
