namespace Agents.Abstractions.Tests.Exceptions;

public sealed class ExceptionContractTests
{
    [Fact]
    public void RateLimitedException_EveryConstructor_IsTransient()
    {
        var inner = new InvalidOperationException("429");
        var withRetry = new RateLimitedException("slow down", TimeSpan.FromSeconds(3), inner);

        Assert.True(new RateLimitedException().IsTransient);
        Assert.True(new RateLimitedException("m").IsTransient);
        Assert.True(new RateLimitedException("m", inner).IsTransient);
        Assert.True(withRetry.IsTransient);
        Assert.True(new RateLimitedException("m", (TimeSpan?)null).IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(3), withRetry.RetryAfter);
        Assert.Same(inner, withRetry.InnerException);
        Assert.Null(new RateLimitedException("m").RetryAfter);
    }

    [Fact]
    public void ValidationFailedException_NullViolations_ReadAsEmpty()
    {
        var error = new ValidationFailedException("json", (IReadOnlyList<string>)null!);

        Assert.Empty(error.Violations);
        Assert.Equal("json", error.Validator);
        Assert.Equal("Validator 'json' rejected the response: ", error.Message);
    }

    [Fact]
    public void ValidationFailedException_Violations_KeptAndListedInTheMessage()
    {
        var error = new ValidationFailedException("schema", ["missing name", "age < 0"]);

        Assert.Equal(["missing name", "age < 0"], error.Violations);
        Assert.Equal("Validator 'schema' rejected the response: missing name; age < 0", error.Message);
    }

    [Fact]
    public void StreamInterruptedException_NullPartialText_ReadAsEmptyAndCountedAsZeroCharacters()
    {
        var inner = new ProviderException("reset") { Provider = "openai" };

        var error = new StreamInterruptedException(null!, 2, inner);

        Assert.Equal(string.Empty, error.PartialText);
        Assert.Equal(2, error.UpdatesDelivered);
        Assert.Equal("openai", error.Provider);
        Assert.Equal("The stream failed after 2 update(s) and 0 character(s) had been delivered: reset", error.Message);
    }

    [Fact]
    public void StreamInterruptedException_PartialText_KeptAndMeasuredInTheMessage()
    {
        var error = new StreamInterruptedException("hello", 1, new IOException("eof"));

        Assert.Equal("hello", error.PartialText);
        Assert.Null(error.Provider);
        Assert.Equal("The stream failed after 1 update(s) and 5 character(s) had been delivered: eof", error.Message);
    }

    [Fact]
    public void ContentInspection_Clean_IsUnblockedWithZeroScoreAndNoFindings()
    {
        var clean = ContentInspection.Clean("hello");

        Assert.Equal("hello", clean.Text);
        Assert.Equal(0, clean.Score);
        Assert.False(clean.Blocked);
        Assert.Empty(clean.Findings);
    }

    [Fact]
    public void CacheHint_Defaults_ToolsStableNothingSharedNoTenant()
    {
        var hint = new CacheHint();

        Assert.True(hint.ToolsAreStable);
        Assert.Equal(0, hint.StablePrefixMessageCount);
        Assert.Equal(0, hint.SharedPrefixMessageCount);
        Assert.Null(hint.TenantKey);
    }

    [Fact]
    public void ResponseFormat_Equals_ComparesKindNameAndSchemaText()
    {
        var schema = System.Text.Json.JsonDocument.Parse("{\"type\":\"object\"}").RootElement;
        var other = System.Text.Json.JsonDocument.Parse("{\"type\":\"object\",\"required\":[]}").RootElement;
        var format = ResponseFormat.ForJsonSchema(schema, "person");

        Assert.Equal(format, ResponseFormat.ForJsonSchema(schema.Clone(), "person"));
        Assert.Equal(format.GetHashCode(), ResponseFormat.ForJsonSchema(schema, "person").GetHashCode());
        Assert.NotEqual(format, ResponseFormat.ForJsonSchema(schema, "animal"));
        Assert.NotEqual(format, ResponseFormat.ForJsonSchema(other, "person"));
        Assert.NotEqual(ResponseFormat.Text, ResponseFormat.Json);
        Assert.NotEqual(format, ResponseFormat.ForJsonSchema(schema));
        Assert.False(format.Equals(null));
        Assert.Equal(ResponseFormat.Json, ResponseFormat.Json);
    }
}
