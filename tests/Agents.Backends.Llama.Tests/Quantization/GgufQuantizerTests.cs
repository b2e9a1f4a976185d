using Agents.Backends.Llama.Gguf;
using Agents.Backends.Llama.Tests.Gguf;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Quantization;

[Collection(GeneratedModelGroup.Name)]
public sealed class GgufQuantizerTests(GeneratedModelFixture fixture)
{
    [Theory]
    [InlineData(GgufQuantizationType.Q8_0, 7L, "Q8_0", 8u)]
    [InlineData(GgufQuantizationType.Q4_K_M, 15L, "Q4_K_M", 12u)]
    public async Task QuantizeAsync_F16Model_WritesLoadableQuantizedModel(
        GgufQuantizationType type, long fileType, string fileTypeName, uint ffnGateType)
    {
        var destination = Path.Combine(fixture.Directory, $"quantized-{type}.gguf");
        var reports = new List<GgufQuantizationProgress>();

        var result = await GgufQuantizer.QuantizeAsync(
            fixture.F16Path, destination, type, new SynchronousProgress(reports), threads: 2);

        Assert.Equal(destination, result.DestinationPath);
        Assert.True(result.DestinationBytes < result.SourceBytes);
        var header = GgufReader.ReadHeader(destination);
        Assert.Equal(fileType, header.Find("general.file_type")!.AsInt64());
        Assert.Equal((GgufTensorType)ffnGateType, header.Tensors.Single(t => t.Name == "blk.0.ffn_gate.weight").Type);
        Assert.Equal(GgufQuantizationStage.Validating, reports[0].Stage);
        Assert.Equal(GgufQuantizationStage.Completed, reports[^1].Stage);
        Assert.Contains(reports, r => r.Stage == GgufQuantizationStage.Quantizing);
        Assert.Equal(result.DestinationBytes, reports[^1].BytesWritten);
        Assert.False(File.Exists(destination + ".partial"));

        using var model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = destination } });
        Assert.Equal(fileTypeName, model.Info.FileType);
        Assert.Equal(256, model.Info.EmbeddingSize);
    }

    [Fact]
    public async Task QuantizeAsync_AlreadyQuantized_ThrowsModelLoadException()
    {
        var q8 = Path.Combine(fixture.Directory, "requantize-source.gguf");
        await GgufQuantizer.QuantizeAsync(fixture.F16Path, q8, GgufQuantizationType.Q8_0, threads: 2);

        var error = await Assert.ThrowsAsync<ModelLoadException>(() =>
            GgufQuantizer.QuantizeAsync(q8, Path.Combine(fixture.Directory, "requantized.gguf"), GgufQuantizationType.Q4_K_M));

        Assert.Contains("already quantized (Q8_0)", error.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(fixture.Directory, "requantized.gguf")));
    }

    [Fact]
    public async Task QuantizeAsync_TestModelWithEightWideRows_ThrowsModelLoadExceptionNamingTensor()
    {
        var error = await Assert.ThrowsAsync<ModelLoadException>(() =>
            GgufQuantizer.QuantizeAsync(TestModel.Path, Path.Combine(fixture.Directory, "tiny-q8.gguf"), GgufQuantizationType.Q8_0));

        Assert.Contains("rows of 8 values", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuantizeAsync_MissingFile_ThrowsModelLoadException()
    {
        var missing = Path.Combine(fixture.Directory, "missing.gguf");

        var error = await Assert.ThrowsAsync<ModelLoadException>(() =>
            GgufQuantizer.QuantizeAsync(missing, missing + ".q8", GgufQuantizationType.Q8_0));

        Assert.Equal(missing, error.Path);
        Assert.Contains("does not exist", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuantizeAsync_NotGguf_ThrowsModelLoadException()
    {
        var text = Path.Combine(fixture.Directory, "readme.gguf");
        await File.WriteAllTextAsync(text, "hello, I am a text file");

        var error = await Assert.ThrowsAsync<ModelLoadException>(() =>
            GgufQuantizer.QuantizeAsync(text, text + ".q8", GgufQuantizationType.Q8_0));

        Assert.Contains("GGUF magic", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuantizeAsync_TruncatedFile_ThrowsModelLoadException()
    {
        var truncated = Path.Combine(fixture.Directory, "truncated.gguf");
        var bytes = await File.ReadAllBytesAsync(fixture.F16Path);
        await File.WriteAllBytesAsync(truncated, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var error = await Assert.ThrowsAsync<ModelLoadException>(() =>
            GgufQuantizer.QuantizeAsync(truncated, truncated + ".q8", GgufQuantizationType.Q8_0));

        Assert.Contains("truncated", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuantizeAsync_Cancelled_ThrowsBeforeWriting()
    {
        var destination = Path.Combine(fixture.Directory, "cancelled.gguf");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            GgufQuantizer.QuantizeAsync(fixture.F16Path, destination, GgufQuantizationType.Q8_0, cancellationToken: new CancellationToken(true)));

        Assert.False(File.Exists(destination));
    }

    [Fact]
    public async Task QuantizeAsync_SameSourceAndDestination_ThrowsArgumentException() =>
        await Assert.ThrowsAsync<ArgumentException>(() =>
            GgufQuantizer.QuantizeAsync(fixture.F16Path, fixture.F16Path, GgufQuantizationType.Q8_0));

    // Progress<T> posts to the thread pool; the test needs the reports in order and complete when the call returns.
    private sealed class SynchronousProgress(List<GgufQuantizationProgress> reports) : IProgress<GgufQuantizationProgress>
    {
        public void Report(GgufQuantizationProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
