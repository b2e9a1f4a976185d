using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;

namespace Agents.Rag.Tests;

public sealed class VectorStoreRetrieverTests
{
    [Fact]
    public async Task Retrieve_OverVectorDataCollection_MapsRecordsToPassagesWithScores()
    {
        var collection = new FakeCollection(
        [
            new Note("n1", "guide.md", "Install with the package manager.", 10, 42),
            new Note("n2", "faq.md", "Uninstall from the settings page.", 0, 33),
        ]);
        var retriever = new VectorStoreRetriever<Note>(
            collection,
            n => new RetrievedPassage { ChunkId = n.Id, Source = n.Source, Text = n.Text, Start = n.Start, End = n.End },
            new HashedBagOfWordsEmbedder());

        var results = await retriever.RetrieveAsync("how do I install it", new RetrievalOptions { TopK = 1 });

        var passage = Assert.Single(results);
        Assert.Equal(("guide.md", 10, 42, 1), (passage.Source, passage.Start, passage.End, passage.VectorRank));
        Assert.Equal(0.9, passage.Score);
        Assert.IsType<ReadOnlyMemory<float>>(collection.LastSearchValue);
    }

    [Fact]
    public async Task Retrieve_WithoutEmbedder_PassesTheQueryTextToTheCollection()
    {
        var collection = new FakeCollection([new Note("n1", "a.md", "text", 0, 4)]);
        var retriever = new VectorStoreRetriever<Note>(collection, n => new RetrievedPassage { ChunkId = n.Id, Source = n.Source, Text = n.Text });

        await retriever.RetrieveAsync("plain query");

        Assert.Equal("plain query", collection.LastSearchValue);
    }

    public sealed record Note(string Id, string Source, string Text, int Start, int End);

    private sealed class FakeCollection(IReadOnlyList<Note> notes) : IVectorSearchable<Note>
    {
        public object? LastSearchValue { get; private set; }

        public async IAsyncEnumerable<VectorSearchResult<Note>> SearchAsync<TInput>(
            TInput searchValue, int top, VectorSearchOptions<Note>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
            where TInput : notnull
        {
            LastSearchValue = searchValue;
            await Task.Yield();
            var score = 0.9;
            foreach (var note in notes.Take(top))
            {
                yield return new VectorSearchResult<Note>(note, score);
                score -= 0.1;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
    }
}
