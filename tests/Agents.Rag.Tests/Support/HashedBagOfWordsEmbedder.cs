using Microsoft.Extensions.AI;

namespace Agents.Rag.Tests;

/// <summary>
/// A deterministic test embedder: hashed bag of words over 256 dimensions, with a few synonyms folded onto one word
/// so that vector search finds what keyword search cannot ("automobile" ~ "car").
/// </summary>
internal sealed class HashedBagOfWordsEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 256;

    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.Ordinal)
    {
        ["automobile"] = "car",
        ["vehicle"] = "car",
        ["physician"] = "doctor",
        ["medic"] = "doctor",
        ["feline"] = "cat",
        ["kitten"] = "cat",
    };

    public int Calls { get; private set; }

    public Func<IReadOnlyList<string>, bool>? FailWhen { get; set; }

    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (var raw in text.ToLowerInvariant().Split([' ', '\n', '\r', '\t', '.', ',', '?', '!', ':', ';', '(', ')', '#'], StringSplitOptions.RemoveEmptyEntries))
        {
            var word = Synonyms.GetValueOrDefault(raw, raw);
            if (word.Length < 3)
            {
                continue;
            }

            var hash = 17;
            foreach (var c in word)
            {
                hash = unchecked((hash * 31) + c);
            }

            vector[(hash & 0x7FFFFFFF) % Dimensions] += 1;
        }

        return vector;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var list = values.ToList();
        Calls++;
        if (FailWhen?.Invoke(list) == true)
        {
            throw new InvalidOperationException("Simulated embedder failure.");
        }

        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(list.Select(v => new Embedding<float>(Embed(v)))));
    }

    /// <summary>What <see cref="GetService"/> reports as the embedder's metadata; none by default.</summary>
    public EmbeddingGeneratorMetadata? Metadata { get; init; }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) && serviceKey is null ? Metadata : null;

    public void Dispose()
    {
    }
}
