using Agents.Backends.Onnx;

namespace Agents.Backends.Onnx.Tests;

/// <summary>One loaded model for the tests that need no special options (loading takes about half a second).</summary>
public sealed class SharedEncoder : IDisposable
{
    public MiniLmEmbeddingGenerator Generator { get; } = new();

    public void Dispose() => Generator.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SharedEncoderGroup : ICollectionFixture<SharedEncoder>
{
    public const string Name = "MiniLM";
}
