namespace Agents.Rag.Tests;

/// <summary>Builds in-memory indexes from (source, text) pairs, one chunk per pair.</summary>
internal static class Corpus
{
    public static RagIndex Index(IEnumerable<(string Source, string Text)> documents, bool withEmbeddings = false, VectorQuantization quantization = VectorQuantization.None) =>
        RagIndex.Build(
            documents.Select((d, i) => new StoredChunk
            {
                Id = TextChunker.ComputeId(d.Source, d.Text),
                Source = d.Source,
                Index = 0,
                Start = 0,
                End = d.Text.Length,
                Text = d.Text,
                Page = i % 3 == 0 ? 1 + (i % 5) : null,
                Embedding = withEmbeddings ? HashedBagOfWordsEmbedder.Embed(d.Text) : null,
            }),
            new RagIndexOptions { Quantization = quantization });
}
