using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

/// <summary>Code-fence edge cases and root-only errors of <see cref="JsonSchemaOutputValidator"/>.</summary>
public sealed class JsonSchemaValidatorFenceTests
{
    private static ValidationContext Context(string text) => new(text, GenerationRequest.FromPrompt("question"), null);

    private static async Task<string[]> Descriptions(JsonSchemaOutputValidator validator, string text) =>
        [.. (await validator.ValidateAsync(Context(text))).Select(v => v.Description)];

    [Fact]
    public async Task EmptyFenceOfSixBackticks_IsStrippedToNothing()
    {
        // Six backticks are an opening and a closing fence around nothing: the JSON read is empty (line 1, byte 1),
        // not the raw text whose first backtick sits on line 2.
        Assert.Equal(["the answer is not valid JSON (line 1, byte 1)"],
            await Descriptions(JsonSchemaOutputValidator.FromRequest(), "\n  ``````"));
    }
}
