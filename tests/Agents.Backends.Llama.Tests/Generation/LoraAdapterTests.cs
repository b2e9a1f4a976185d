using Agents.Backends.Llama.Tests.Infrastructure;

namespace Agents.Backends.Llama.Tests.Generation;

public sealed class LoraAdapterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("llama-lora-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<string> GreedyAsync(float? scale, string? adapterPath)
    {
        var options = GeneratorFixture.CreateOptions();
        options.Scheduling.MaxConcurrentSequences = 1;
        if (adapterPath is not null)
        {
            options.Load.LoraAdapters = [new LlamaLoraAdapterOptions { Path = adapterPath, Scale = scale ?? 1f }];
        }

        using var generator = new LlamaGenerator(options);
        var result = await generator.GenerateAsync("Adapters change things", new GenerationOptions { MaxTokens = 16 });
        return result.Text;
    }

    [Fact]
    public async Task LoraAdapter_AppliedWithScale_ChangesGenerationAndScaleZeroDoesNot()
    {
        var path = Path.Combine(_directory, "adapter.gguf");
        LoraAdapterFile.Write(path, seed: 7, magnitude: 4f);

        var baseline = await GreedyAsync(null, null);
        var zero = await GreedyAsync(0f, path);
        var full = await GreedyAsync(1f, path);

        Assert.Equal(baseline, zero);
        Assert.NotEqual(baseline, full);
    }

    [Fact]
    public void LoraAdapter_CutInsideLastTensor_ThrowsModelLoadExceptionSayingTruncated()
    {
        var path = Path.Combine(_directory, "half.gguf");
        LoraAdapterFile.Write(path, seed: 7, magnitude: 1f);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var options = GeneratorFixture.CreateOptions();
        options.Load.LoraAdapters = [new LlamaLoraAdapterOptions { Path = path }];

        var ex = Assert.Throws<ModelLoadException>(() => new LlamaGenerator(options));

        Assert.Contains("truncated", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoraAdapter_CorruptFile_ThrowsModelLoadException()
    {
        var path = Path.Combine(_directory, "corrupt.gguf");
        LoraAdapterFile.Write(path, seed: 7, magnitude: 1f);
        var bytes = File.ReadAllBytes(path);
        // Cut inside the first tensor's data.
        File.WriteAllBytes(path, bytes[..520]);
        var options = GeneratorFixture.CreateOptions();
        options.Load.LoraAdapters = [new LlamaLoraAdapterOptions { Path = path }];

        var ex = Assert.Throws<ModelLoadException>(() => new LlamaGenerator(options));

        Assert.Equal(path, ex.Path);
        Assert.Contains("truncated", ex.Reason, StringComparison.Ordinal);
    }
}
