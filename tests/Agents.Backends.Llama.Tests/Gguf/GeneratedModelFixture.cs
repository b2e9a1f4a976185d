using Agents.Backends.Llama.Gguf;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Gguf;

/// <summary>
/// Writes, once per test run, a random-weight llama model whose widths are multiples of 256 (so every block
/// quantization, K-quants included, applies) with the test model's 32k vocabulary; deleted afterwards.
/// </summary>
public sealed class GeneratedModelFixture : IDisposable
{
    internal static readonly LlamaModelShape Shape = new(BlockCount: 1, EmbeddingLength: 256, FeedForwardLength: 512, HeadCount: 4, KvHeadCount: 2, ContextLength: 1024);

    public GeneratedModelFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("agents-gguf-").FullName;
        F16Path = Path.Combine(Directory, "random-f16.gguf");
        RandomLlamaModelWriter.Write(F16Path, Shape, TestModel.Path, GgufTensorType.F16, seed: 7);
    }

    public string Directory { get; }

    public string F16Path { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class GeneratedModelGroup : ICollectionFixture<GeneratedModelFixture>
{
    public const string Name = "Generated GGUF model";
}
