using System.Text.Json;
using Agents.Safety.StructuredOutput;

namespace Agents.Safety.Tests.StructuredOutput;

public sealed class StreamJsonTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {"type":"object","properties":{"title":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}}},"required":["title","tags"]}
        """).RootElement.Clone();

    public sealed record Note(string Title, string[] Tags);

    [Fact]
    public async Task StreamJsonAsync_PartialObjectsGrowThenFinalValidated()
    {
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.JsonSchema, """{"title":"Hello world","tags":["a","bc"]}""");
        var updates = new List<StructuredUpdate<Note>>();

        await foreach (var update in generator.StreamJsonAsync<Note>(new GenerationRequest([Message.User("x")])))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count > 5);
        Assert.All(updates[..^1], u => Assert.False(u.IsFinal));
        Assert.Contains(updates, u => u.Partial.TryGetProperty("title", out var t) && t.GetString() == "Hello");
        var lengths = updates.Select(u => u.Partial.GetRawText().Length).ToList();
        Assert.Equal(lengths.Order(), lengths); // progressively more complete
        var final = updates[^1];
        Assert.True(final.IsFinal);
        Assert.Equal(new[] { "a", "bc" }, final.Value!.Tags);
        Assert.Equal("Hello world", final.Value.Title);
    }

    [Fact]
    public async Task StreamJsonAsync_InvalidAnswer_RepairedWithinTheStream()
    {
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.JsonSchema, """{"title":"x"}""", """{"title":"x","tags":[]}""");
        var updates = new List<StructuredUpdate<JsonElement>>();

        await foreach (var update in generator.StreamJsonAsync(new GenerationRequest([Message.User("x")]), Schema))
        {
            updates.Add(update);
        }

        Assert.Contains(updates, u => u.Attempt == 1);
        Assert.True(updates[^1].IsFinal);
        Assert.Equal(2, updates[^1].Attempt);
        Assert.Single(updates, u => u.IsFinal);
        Assert.Equal(0, updates[^1].Value.GetProperty("tags").GetArrayLength());
    }

    [Fact]
    public async Task StreamJsonAsync_NeverValid_ThrowsAfterPartialUpdates()
    {
        var generator = ScriptedGenerator.Create(GeneratorCapabilities.JsonSchema, """{"title":1}""");
        var seen = 0;

        var ex = await Assert.ThrowsAsync<ValidationFailedException>(async () =>
        {
            await foreach (var update in generator.StreamJsonAsync(new GenerationRequest([Message.User("x")]), Schema, new StructuredOutputOptions { MaxAttempts = 2 }))
            {
                Assert.False(update.IsFinal);
                seen++;
            }
        });

        Assert.True(seen > 0);
        Assert.Contains(ex.Violations, v => v.StartsWith("attempt 2:", StringComparison.Ordinal));
    }
}
