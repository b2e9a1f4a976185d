using System.Text.Json;
using Agents.Backends.Llama.Grammar;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Grammar;

/// <summary>
/// The managed matcher against llama.cpp's grammar sampler on the test model's whole vocabulary: along random walks
/// through each grammar, the allowed-token sets must be identical token for token at every step.
/// </summary>
public sealed class GrammarMatcherDifferentialTests(GrammarMatcherDifferentialTests.ModelFixture fixture)
    : IClassFixture<GrammarMatcherDifferentialTests.ModelFixture>
{
    private const int MaxSteps = 40;

    private static readonly JsonGrammarOptions Bounds = new() { DefaultMaxStringLength = 6, DefaultMaxItems = 3, MaxFreeFormDepth = 1, MaxWhitespace = 2 };

    public static TheoryData<string> SchemaNames() => [.. StructuredSchemaCorpus.Schemas.Select(s => s.Name)];

    public static TheoryData<string> HandWritten() =>
    [
        "root ::= \"a\" (\"\" | \"b\") [c-e]?",
        "root ::= (\"ab\"{1,2} \"-\"?){2,3}",
        "root ::= [^a-c\"\\\\]{1,5} \"!\"",
        "root ::= \"é\" | \"日本\" [\\u00C0-\\u00FF]{0,3} | \"\\U0001F600\"",
        "root ::= . . \"x\"",
        "root ::= item (\",\" item)*\nitem ::= [0-9]+ | \"<\" item \">\"",
        "root ::= [a-z ]{0,4} \"\\n\"",
    ];

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public void AllowedTokens_CorpusSchema_MatchesLlamaCppAlongRandomWalks(string name)
    {
        var schema = JsonDocument.Parse(StructuredSchemaCorpus.Schemas.Single(s => s.Name == name).Schema).RootElement;
        var grammar = JsonSchemaGrammar.FromSchema(schema, Bounds);
        for (var seed = 1; seed <= 2; seed++)
        {
            Walk(grammar, seed);
        }
    }

    [Theory]
    [MemberData(nameof(HandWritten))]
    public void AllowedTokens_HandWrittenGrammar_MatchesLlamaCppAlongRandomWalks(string text)
    {
        var grammar = GbnfGrammar.Parse(text);
        for (var seed = 1; seed <= 3; seed++)
        {
            Walk(grammar, seed);
        }
    }

    private void Walk(GbnfGrammar grammar, int seed)
    {
        var random = new Random(seed);
        var vocabulary = GrammarVocabulary.For(fixture.Model.Weights);
        var matcher = new GrammarMatcher(grammar.Compile(), vocabulary);
        using var oracle = new LlamaGrammarOracle(grammar, fixture.Model.Weights);
        var path = new List<int>();
        for (var step = 0; step < MaxSteps; step++)
        {
            var expected = oracle.Allowed();
            var bits = matcher.AllowedTokens(out var count);
            var actual = Enumerable.Range(0, vocabulary.Size).Where(t => (bits[t >> 6] & (1UL << t)) != 0).ToList();
            if (!expected.SequenceEqual(actual))
            {
                var missing = expected.Except(actual).Take(5).Select(t => Describe(vocabulary, t));
                var extra = actual.Except(expected).Take(5).Select(t => Describe(vocabulary, t));
                Assert.Fail($"seed {seed} after [{string.Join(", ", path.Select(t => Describe(vocabulary, t)))}]: " +
                    $"llama.cpp allows {expected.Count}, managed {actual.Count}; missing {string.Join(" ", missing)}; extra {string.Join(" ", extra)}");
            }

            Assert.Equal(expected.Count, count);
            Assert.NotEmpty(expected);

            // The single-token check agrees with the set for a sample of allowed and refused tokens.
            foreach (var probe in Enumerable.Range(0, 20).Select(_ => random.Next(vocabulary.Size)).Concat(expected.Take(5)))
            {
                Assert.Equal(expected.BinarySearch(probe) >= 0, matcher.Allows(probe));
            }

            var token = Choose(random, vocabulary, expected);
            path.Add(token);
            if (vocabulary.IsEndOfGeneration[token])
            {
                Assert.True(matcher.CanEnd);
                return;
            }

            matcher.Accept(token);
            oracle.Accept(token);
        }
    }

    // Mostly uniform over the allowed tokens, but often a token ending in an unfinished UTF-8 sequence (to reach the
    // partial-character states) and rarely the end of generation (to walk deeper).
    private static int Choose(Random random, GrammarVocabulary vocabulary, List<int> allowed)
    {
        var nonEnd = allowed.Where(t => !vocabulary.IsEndOfGeneration[t]).ToList();
        if (nonEnd.Count == 0 || (nonEnd.Count < allowed.Count && random.NextDouble() < 0.1))
        {
            return allowed.First(t => vocabulary.IsEndOfGeneration[t]);
        }

        var partial = nonEnd.Where(t => EndsMidCharacter(vocabulary.Pieces[t])).ToList();
        return partial.Count > 0 && random.NextDouble() < 0.3 ? partial[random.Next(partial.Count)] : nonEnd[random.Next(nonEnd.Count)];
    }

    private static bool EndsMidCharacter(byte[] piece)
    {
        for (var back = 1; back <= Math.Min(3, piece.Length); back++)
        {
            var b = piece[^back];
            if ((b & 0xC0) == 0xC0)
            {
                var length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return length > back;
            }

            if ((b & 0x80) == 0)
            {
                return false;
            }
        }

        return false;
    }

    private static string Describe(GrammarVocabulary vocabulary, int token) =>
        $"{token}:'{Convert.ToHexString(vocabulary.Pieces[token])}'";

    /// <summary>The test model, loaded once.</summary>
    public sealed class ModelFixture : IDisposable
    {
        public LlamaModel Model { get; } = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, Threads = 2, ContextSize = 256 } });

        public void Dispose() => Model.Dispose();
    }
}
