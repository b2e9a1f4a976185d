using Agents.Backends.OpenAI;

namespace Agents.Backends.OpenAI.Tests;

public sealed class OpenAITokenizerTests
{
    [Theory]
    [InlineData("gpt-4o-mini", OpenAITokenizer.O200kBase)]
    [InlineData("gpt-4o-2024-08-06", OpenAITokenizer.O200kBase)]
    [InlineData("GPT-4o", OpenAITokenizer.O200kBase)]
    [InlineData("openai/gpt-4.1", OpenAITokenizer.O200kBase)]
    [InlineData("gpt-5", OpenAITokenizer.O200kBase)]
    [InlineData("o1", OpenAITokenizer.O200kBase)]
    [InlineData("o3-mini", OpenAITokenizer.O200kBase)]
    [InlineData("o4-mini", OpenAITokenizer.O200kBase)]
    [InlineData("gpt-4-0613", OpenAITokenizer.Cl100kBase)]
    [InlineData("gpt-4-turbo", OpenAITokenizer.Cl100kBase)]
    [InlineData("gpt-3.5-turbo", OpenAITokenizer.Cl100kBase)]
    [InlineData("text-embedding-3-small", OpenAITokenizer.Cl100kBase)]
    public void ForModel_OpenAIModel_PicksItsEncoding(string model, string encoding)
    {
        Assert.Equal(encoding, OpenAITokenizer.ForModel(model)?.Encoding);
    }

    [Theory]
    [InlineData("llama3.1:8b")]
    [InlineData("mistral-7b-instruct")]
    [InlineData("claude-3-5-haiku-latest")]
    [InlineData("o10")]
    [InlineData("o3x")]
    [InlineData("")]
    public void ForModel_OtherModel_IsNull(string model)
    {
        Assert.Null(OpenAITokenizer.ForModel(model));
    }

    [Theory]
    [InlineData(OpenAITokenizer.Cl100kBase, new[] { 15339, 1917 })]
    [InlineData(OpenAITokenizer.O200kBase, new[] { 24912, 2375 })]
    public void Encode_HelloWorld_MatchesTheProvidersTokenIds(string encoding, int[] expected)
    {
        var tokenizer = OpenAITokenizer.ForEncoding(encoding);

        Assert.Equal(expected, tokenizer.Encode("hello world"));
        Assert.Equal(expected, tokenizer.Encode("hello world", addSpecialTokens: true));
        Assert.Equal(2, tokenizer.CountTokens("hello world"));
    }

    [Theory]
    [InlineData(OpenAITokenizer.Cl100kBase, 100257)]
    [InlineData(OpenAITokenizer.O200kBase, 199999)]
    public void Encode_SpecialTokenTypedAsText_IsPlainTextNotTheControlToken(string encoding, int endOfText)
    {
        var tokenizer = OpenAITokenizer.ForEncoding(encoding);

        var ids = tokenizer.Encode("x<|endoftext|>y");

        Assert.DoesNotContain(endOfText, ids);
        Assert.True(ids.Count >= 5, $"{ids.Count} tokens");
        Assert.Equal(ids.Count, tokenizer.CountTokens("x<|endoftext|>y"));
        Assert.Equal("x<|endoftext|>y", tokenizer.Decode(ids));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<|")]
    [InlineData("<|<|im_start|>system")]
    [InlineData("Grüße aus Köln — 日本語 🙂")]
    public void Decode_OfEncode_RoundTrips(string text)
    {
        foreach (var tokenizer in new[] { OpenAITokenizer.ForEncoding(OpenAITokenizer.O200kBase), OpenAITokenizer.ForEncoding(OpenAITokenizer.Cl100kBase) })
        {
            var ids = tokenizer.Encode(text);
            Assert.Equal(text, tokenizer.Decode(ids));
            Assert.Equal(ids.Count, tokenizer.CountTokens(text));
        }
    }

    [Fact]
    public void ForEncoding_Unknown_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => OpenAITokenizer.ForEncoding("p50k_base"));

        Assert.Contains("p50k_base", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Methods_NullArguments_Throw()
    {
        var tokenizer = OpenAITokenizer.ForEncoding(OpenAITokenizer.Cl100kBase);

        Assert.Throws<ArgumentNullException>(() => OpenAITokenizer.ForModel(null!));
        Assert.Throws<ArgumentNullException>(() => tokenizer.Encode(null!));
        Assert.Throws<ArgumentNullException>(() => tokenizer.CountTokens(null!));
        Assert.Throws<ArgumentNullException>(() => tokenizer.Decode(null!));
    }

    [Theory]
    [InlineData("gpt-4o-mini", OpenAITokenizer.O200kBase)]
    [InlineData("llama3", null)]
    public void GetService_Tokenizer_IsOfferedForOpenAIModelsOnly(string model, string? encoding)
    {
        using var generator = new OpenAIGenerator(new OpenAIGeneratorOptions { Model = model, ApiKey = "k", Endpoint = new Uri("http://127.0.0.1:9/v1/") });

        Assert.Equal(encoding, (generator.GetService(typeof(ITokenizer)) as OpenAITokenizer)?.Encoding);
    }
}
