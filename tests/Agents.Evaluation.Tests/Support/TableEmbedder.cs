using Microsoft.Extensions.AI;

namespace Agents.Evaluation.Tests;

/// <summary>A hand-written embedder: vectors looked up in tables, with optional per-token vectors (word → vector).</summary>
internal sealed class TableEmbedder(IReadOnlyDictionary<string, float[]> sentences, IReadOnlyDictionary<string, float[]>? words = null)
    : IEmbeddingGenerator<string, Embedding<float>>, ITokenEmbeddingGenerator
{
    public int Calls { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(sentences[v]))));
    }

    public Task<IReadOnlyList<ReadOnlyMemory<float>>> EmbedTokensAsync(string text, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ReadOnlyMemory<float>>>([.. text.Split(' ').Select(w => new ReadOnlyMemory<float>(words![w]))]);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ITokenEmbeddingGenerator) && words is not null ? this : null;

    public void Dispose()
    {
    }
}
