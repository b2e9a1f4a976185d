using System.Text;
using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

public sealed class ValidationStreamingTests
{
    private static async Task<(string Released, List<GenerationUpdate> Updates, Exception? Error)> DrainAsync(IAsyncEnumerable<GenerationUpdate> stream)
    {
        var released = new StringBuilder();
        var updates = new List<GenerationUpdate>();
        try
        {
            await foreach (var update in stream)
            {
                updates.Add(update);
                released.Append(update.Text);
            }
        }
        catch (Exception ex)
        {
            return (released.ToString(), updates, ex);
        }

        return (released.ToString(), updates, null);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task StreamAsync_CardSplitAcrossManyChunks_IsNeverReleasedAndTheStreamFails(int chunkSize)
    {
        const string text = "Sure, here it is: the customer's card is 4111 1111 1111 1111 and it expires soon. More text follows here.";
        using var inner = Scripted.Streams(Scripted.CharacterChunks(text, chunkSize));
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new PiiOutputValidator()));

        var (released, _, error) = await DrainAsync(generator.StreamAsync(GenerationRequest.FromPrompt("q")));

        var failure = Assert.IsType<ValidationFailedException>(error);
        Assert.Equal("pii", failure.Validator);
        Assert.DoesNotContain("4111", released, StringComparison.Ordinal);
        Assert.DoesNotContain("1111", released, StringComparison.Ordinal);
        Assert.StartsWith(released, text, StringComparison.Ordinal);
        Assert.True(released.Length > 0, "text before the card, beyond the window, is released");
    }

    [Fact]
    public async Task StreamAsync_EmailSplitCharacterByCharacter_NoPrefixOfItIsReleased()
    {
        var filler = new string('x', 100);
        var text = filler + " contact jane.doe@example.com now " + filler;
        var releasedAtFailure = "";
        using var inner = Scripted.Streams(Scripted.CharacterChunks(text, 1));
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new PiiOutputValidator()));

        var (released, _, error) = await DrainAsync(generator.StreamAsync(GenerationRequest.FromPrompt("q")));
        releasedAtFailure = released;

        Assert.IsType<ValidationFailedException>(error);
        Assert.DoesNotContain("jane", releasedAtFailure, StringComparison.Ordinal);
        Assert.Equal(text[..releasedAtFailure.Length], releasedAtFailure);
    }

    [Fact]
    public async Task StreamAsync_Redact_ReleasesTheRedactedTextWhateverTheChunking()
    {
        const string text = "Mail bob@example.org or call +1 (415) 555-0132, card 5555-5555-5555-4444. Bye!";
        foreach (var size in new[] { 1, 4, 9, 200 })
        {
            using var inner = Scripted.Streams(Scripted.CharacterChunks(text, size));
            using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new PiiOutputValidator(), ValidationPolicy.Redact));

            var (released, updates, error) = await DrainAsync(generator.StreamAsync(GenerationRequest.FromPrompt("q")));

            Assert.Null(error);
            Assert.Equal("Mail [REDACTED:EMAIL] or call [REDACTED:PHONE], card [REDACTED:CARD]. Bye!", released);
            Assert.Equal("redacted", updates[^1].AdditionalProperties![ValidationGenerator.OutcomeKey]);
            Assert.Equal(FinishReason.Stop, updates[^1].FinishReason);
        }
    }

    [Fact]
    public async Task StreamAsync_CleanText_StreamsIncrementallyBehindTheWindow()
    {
        var text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 10));
        var chunks = Scripted.CharacterChunks(text, 5);
        var producedBeforeFirstRelease = -1;
        var produced = 0;
        using var inner = Scripted.Streams(chunks, i => produced = i + 1);
        using var generator = new ValidationGenerator(inner, new ValidationOptions { HoldBackCharacters = 20 }.Add(new PiiOutputValidator()));

        var released = new StringBuilder();
        var releases = 0;
        await foreach (var update in generator.StreamAsync(GenerationRequest.FromPrompt("q")))
        {
            if (update.Text.Length > 0)
            {
                if (producedBeforeFirstRelease < 0)
                {
                    producedBeforeFirstRelease = produced;
                }

                releases++;
                released.Append(update.Text);
            }
        }

        Assert.Equal(text, released.ToString());
        Assert.Equal(5, producedBeforeFirstRelease); // 25 characters produced, 5 beyond the 20-character window.
        Assert.True(releases > chunks.Count / 2, "text arrives in many updates, not all at the end");
        Assert.Equal(20, generator.HoldBackCharacters);
    }

    [Fact]
    public async Task StreamAsync_WholeAnswerCheckFails_LastWindowIsNeverReleased()
    {
        var text = "{\"n\": \"not a number\", \"padding\": \"" + new string('p', 200) + "\"}";
        using var inner = Scripted.Streams(Scripted.CharacterChunks(text, 10));
        using var generator = new ValidationGenerator(inner, new ValidationOptions { HoldBackCharacters = 16 }
            .Add(JsonSchemaOutputValidator.FromText("""{"type":"object","properties":{"n":{"type":"integer"}}}""")));

        var (released, _, error) = await DrainAsync(generator.StreamAsync(GenerationRequest.FromPrompt("q")));

        Assert.IsType<ValidationFailedException>(error);
        Assert.Equal(text.Length - 16, released.Length);
    }

    [Fact]
    public async Task StreamAsync_RepairPolicy_BuffersAndStreamsTheRepairedAnswer()
    {
        using var inner = Scripted.Answers("no json here", """{"n": 1}""");
        using var generator = new ValidationGenerator(inner, new ValidationOptions()
            .Add(JsonSchemaOutputValidator.FromText("""{"type":"object","required":["n"]}"""), ValidationPolicy.Repair));

        var (released, updates, error) = await DrainAsync(generator.StreamAsync(GenerationRequest.FromPrompt("q")));

        Assert.Null(error);
        Assert.True(generator.BuffersStreams);
        Assert.Equal("""{"n": 1}""", released);
        Assert.Equal("repaired", updates[^1].AdditionalProperties![ValidationGenerator.OutcomeKey]);
        Assert.Equal(2, inner.Requests.Count);
    }

    [Fact]
    public async Task StreamAsync_BlockedWordAcrossChunks_StopsBeforeIt()
    {
        using var inner = Scripted.Streams(["This is a per", "fectly fine sen", "tence about Pro", "ject Zeus and more."]);
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new BlocklistOutputValidator(["project zeus"])));

        var (released, _, error) = await DrainAsync(generator.StreamAsync(GenerationRequest.FromPrompt("q")));

        Assert.IsType<ValidationFailedException>(error);
        Assert.DoesNotContain("Pro", released, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_ToolCallsAndUsage_ArriveOnTheLastUpdate()
    {
        var call = new ToolCall("c1", "lookup", "{}");
        using var inner = new Agents.Testing.TestGenerator
        {
            StreamAsyncCallback = (_, _) => new[]
            {
                new GenerationUpdate { Text = "Calling a tool." },
                new GenerationUpdate { ToolCalls = [call] },
                new GenerationUpdate { FinishReason = FinishReason.ToolCalls, Usage = new Usage { CompletionTokens = 4 } },
            }.ToAsyncEnumerable(),
        };
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new PiiOutputValidator()));

        var (released, updates, error) = await DrainAsync(generator.StreamAsync(GenerationRequest.FromPrompt("q")));

        Assert.Null(error);
        Assert.Equal("Calling a tool.", released);
        Assert.Equal(call, Assert.Single(updates[^1].ToolCalls));
        Assert.Equal(FinishReason.ToolCalls, updates[^1].FinishReason);
        Assert.Equal(4, updates[^1].Usage!.CompletionTokens);
    }

    [Fact]
    public async Task StreamAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var inner = Scripted.Streams(Scripted.CharacterChunks(new string('a', 500), 1));
        using var generator = new ValidationGenerator(inner, new ValidationOptions().Add(new PiiOutputValidator()));
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in generator.StreamAsync(GenerationRequest.FromPrompt("q"), cts.Token))
            {
                await cts.CancelAsync();
            }
        });
    }

    [Fact]
    public void HoldBackCharacters_Default_IsTheLargestWindowTheIncrementalValidatorsNeed()
    {
        using var inner = Scripted.Answers("x");
        using var withPii = new ValidationGenerator(inner, new ValidationOptions()
            .Add(new PiiOutputValidator()).Add(new BlocklistOutputValidator(["abc"])).Add(new LengthOutputValidator(maxCharacters: 5)));
        using var blocklistOnly = new ValidationGenerator(inner, new ValidationOptions().Add(new BlocklistOutputValidator(["abcdef"])));
        using var wholeOnly = new ValidationGenerator(inner, new ValidationOptions().Add(new LengthOutputValidator(maxCharacters: 5)));

        Assert.Equal(PiiDetector.MaxMatchLength, withPii.HoldBackCharacters);
        Assert.Equal(12, blocklistOnly.HoldBackCharacters);
        Assert.Equal(0, wholeOnly.HoldBackCharacters);
        Assert.False(withPii.BuffersStreams);
    }

    [Fact]
    public async Task StreamAsync_Fallback_BuffersAndStreamsOnlyTheFallbackMessage()
    {
        using var inner = Scripted.Answers("This mentions project zeus openly.");
        using var generator = new ValidationGenerator(inner, new ValidationOptions { FallbackMessage = "Sorry." }
            .Add(new BlocklistOutputValidator(["project zeus"]), ValidationPolicy.Fallback));

        var (released, updates, error) = await DrainAsync(generator.StreamAsync(GenerationRequest.FromPrompt("q")));

        Assert.Null(error);
        Assert.Equal("Sorry.", released);
        Assert.Equal("fallback", updates[^1].AdditionalProperties![ValidationGenerator.OutcomeKey]);
    }
}
