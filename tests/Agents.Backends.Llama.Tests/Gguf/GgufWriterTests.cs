using Agents.Backends.Llama.Gguf;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Gguf;

[Collection(GeneratedModelGroup.Name)]
public sealed class GgufWriterTests(GeneratedModelFixture fixture)
{
    [Fact]
    public void ReadHeader_TestModel_ReadsVocabularyAndTensorDirectory()
    {
        var header = GgufReader.ReadHeader(TestModel.Path);

        Assert.Equal(3u, header.Version);
        Assert.Equal(12, header.Tensors.Count);
        Assert.Equal(32_000, ((string[])header.Find("tokenizer.ggml.tokens")!.Value).Length);
        Assert.Equal(32_000, ((float[])header.Find("tokenizer.ggml.scores")!.Value).Length);
        Assert.Equal(32_000, ((int[])header.Find("tokenizer.ggml.token_type")!.Value).Length);
        Assert.Equal(1L, header.Find("tokenizer.ggml.bos_token_id")!.AsInt64());
        Assert.Equal(2L, header.Find("tokenizer.ggml.eos_token_id")!.AsInt64());
        Assert.Equal("llama", header.Find("general.architecture")!.Value);
        Assert.Equal(new long[] { 8, 32_000 }, header.Tensors[0].Dimensions);
    }

    [Fact]
    public void ReadHeader_NotGguf_ThrowsInvalidData()
    {
        var path = Path.Combine(fixture.Directory, "not-gguf.bin");
        File.WriteAllText(path, "definitely not a model");

        var error = Assert.Throws<InvalidDataException>(() => GgufReader.ReadHeader(path));
        Assert.Contains("magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_RandomModel_HeaderDescribesShapeAndDataFillsFile()
    {
        var header = GgufReader.ReadHeader(fixture.F16Path);
        var shape = GeneratedModelFixture.Shape;

        Assert.Equal(256L, header.Find("llama.embedding_length")!.AsInt64());
        Assert.Equal(512L, header.Find("llama.feed_forward_length")!.AsInt64());
        Assert.Equal(2L, header.Find("llama.attention.head_count_kv")!.AsInt64());
        Assert.Equal(64L, header.Find("llama.rope.dimension_count")!.AsInt64());
        Assert.Equal(1L, header.Find("general.file_type")!.AsInt64());
        Assert.Equal(3 + (9 * shape.BlockCount), header.Tensors.Count);
        var k = header.Tensors.Single(t => t.Name == "blk.0.attn_k.weight");
        Assert.Equal(new long[] { 256, 128 }, k.Dimensions);
        Assert.Equal(GgufTensorType.F16, k.Type);
        Assert.Equal(GgufTensorType.F32, header.Tensors.Single(t => t.Name == "output_norm.weight").Type);

        var last = header.Tensors[^1];
        Assert.Equal(header.DataOffset + last.Offset + (last.ElementCount * 2), new FileInfo(fixture.F16Path).Length);
    }

    [Fact]
    public void Write_SameSeed_WritesIdenticalFiles()
    {
        var shape = new LlamaModelShape(1, 16, 32, 2, 1, 128);
        var first = Path.Combine(fixture.Directory, "seed-a.gguf");
        var second = Path.Combine(fixture.Directory, "seed-b.gguf");

        RandomLlamaModelWriter.Write(first, shape, TestModel.Path, GgufTensorType.F32, seed: 3);
        RandomLlamaModelWriter.Write(second, shape, TestModel.Path, GgufTensorType.F32, seed: 3);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void Write_InvalidShape_ThrowsArgumentException()
    {
        var shape = new LlamaModelShape(1, 30, 32, 4, 4, 128);

        Assert.Throws<ArgumentException>(() =>
            RandomLlamaModelWriter.Write(Path.Combine(fixture.Directory, "bad.gguf"), shape, TestModel.Path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Write_TinyShape_LoadsAndGeneratesWithLlamaCpp(bool f32)
    {
        var type = f32 ? GgufTensorType.F32 : GgufTensorType.F16;
        var path = Path.Combine(fixture.Directory, $"tiny-{type}.gguf");
        RandomLlamaModelWriter.Write(path, new LlamaModelShape(2, 32, 64, 4, 2, 256), TestModel.Path, type, seed: 11);

        using var generator = new LlamaGenerator(new LlamaModelOptions
        {
            Load =
            {
                ModelPath = path,
                ContextSize = 128,
                ChatTemplateFallback = LlamaChatFormats.ChatML,
                Threads = 2,
            },
            Scheduling =
            {
                MaxConcurrentSequences = 1,
            },
        });
        var result = await generator.GenerateAsync(GenerationRequest.FromPrompt(
            "Hello there", new GenerationOptions { MaxTokens = 4, Decoding = DecodingStrategy.Greedy, StopSequences = [] }));

        Assert.Equal("llama", generator.ModelInfo.Architecture);
        Assert.Equal(32, generator.ModelInfo.EmbeddingSize);
        Assert.Equal(32_000, generator.ModelInfo.VocabularySize);
        Assert.Equal(type == GgufTensorType.F32 ? "F32" : "F16", generator.ModelInfo.FileType);
        Assert.InRange(result.Usage!.CompletionTokens, 1, 4);
    }
}
