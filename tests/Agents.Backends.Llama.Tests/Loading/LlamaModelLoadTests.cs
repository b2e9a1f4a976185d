using Agents.Backends.Llama;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Loading;

public sealed class LlamaModelLoadTests : IDisposable
{
    private readonly string _tempDirectory = Directory.CreateTempSubdirectory("llama-load-").FullName;

    public void Dispose() => Directory.Delete(_tempDirectory, recursive: true);

    [Fact]
    public void Load_TestModel_ExposesMetadata()
    {
        using var model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path } });

        var info = model.Info;
        Assert.Equal("llama", info.Architecture);
        Assert.Equal("F16", info.FileType);
        Assert.Equal(4096, info.TrainedContextLength);
        Assert.Equal(32000, info.VocabularySize);
        Assert.Equal(8, info.EmbeddingSize);
        Assert.False(info.HasChatTemplate);
        Assert.True(info.ParameterCount > 0);
        Assert.Equal(new FileInfo(TestModel.Path).Length, info.FileSizeBytes);
        Assert.Equal(Path.GetFullPath(TestModel.Path), info.Path);
    }

    [Fact]
    public void Load_SameFileTwice_SharesWeights()
    {
        using var first = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path } });
        using var second = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, ContextSize = 256 } });

        Assert.Same(first.Weights, second.Weights);
        Assert.Equal(256, second.ContextWindow);
    }

    [Fact]
    public void Load_ConcurrentCalls_AllShareOneLoad()
    {
        var models = new LlamaModel[8];
        Parallel.For(0, models.Length, i => models[i] = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path } }));
        try
        {
            Assert.All(models, m => Assert.Same(models[0].Weights, m.Weights));
        }
        finally
        {
            foreach (var model in models)
            {
                model.Dispose();
            }
        }
    }

    [Fact]
    public void Dispose_Twice_IsHarmlessAndWeightsStayForOtherHandles()
    {
        using var keeper = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path } });
        var model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path } });
        model.Dispose();
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => model.Weights);
        Assert.Equal(32000, keeper.Weights.Vocab.Count);
    }

    [Fact]
    public void Load_MissingFile_ThrowsModelLoadExceptionWithReason()
    {
        var path = Path.Combine(_tempDirectory, "nope.gguf");

        var ex = Assert.Throws<ModelLoadException>(() => LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = path } }));

        Assert.Equal(path, ex.Path);
        Assert.Contains("does not exist", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Directory_ThrowsModelLoadExceptionWithReason()
    {
        var ex = Assert.Throws<ModelLoadException>(() => LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = _tempDirectory } }));

        Assert.Contains("directory", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TextFile_ThrowsModelLoadExceptionNamingTheMagic()
    {
        var path = Path.Combine(_tempDirectory, "notes.gguf");
        File.WriteAllText(path, "hello, this is not a model at all");

        var ex = Assert.Throws<ModelLoadException>(() => LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = path } }));

        Assert.Contains("not a GGUF model", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("'hell'", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TinyFile_ThrowsModelLoadExceptionSayingTooSmall()
    {
        var path = Path.Combine(_tempDirectory, "stub.gguf");
        File.WriteAllBytes(path, "GGUF"u8.ToArray());

        var ex = Assert.Throws<ModelLoadException>(() => LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = path } }));

        Assert.Contains("too small", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(1_000_000)]
    public void Load_TruncatedFile_ThrowsModelLoadExceptionWithNativeReason(int keepBytes)
    {
        var path = Path.Combine(_tempDirectory, $"truncated-{keepBytes}.gguf");
        using (var source = File.OpenRead(TestModel.Path))
        using (var target = File.Create(path))
        {
            var buffer = new byte[keepBytes];
            source.ReadExactly(buffer);
            target.Write(buffer);
        }

        var ex = Assert.Throws<ModelLoadException>(() => LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = path } }));

        Assert.Equal(path, ex.Path);
        Assert.DoesNotContain("without logging a reason", ex.Reason, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(ex.Reason));

        // The process survived and can still load a good model.
        using var model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path } });
        Assert.Equal(32000, model.Info.VocabularySize);
    }

    [Fact]
    public void GgufTensorDataBounds_TestModel_EndsAtTheEndOfTheFile()
    {
        var required = Agents.Backends.Llama.Loading.GgufTensorDataBounds.RequiredLength(TestModel.Path);

        var length = new FileInfo(TestModel.Path).Length;
        Assert.NotNull(required);
        Assert.InRange(required.Value, length - 64, length);
    }

    [Fact]
    public void KvCacheDefault_SmallModel_OneWindowPerSequence()
    {
        using var model = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = TestModel.Path, ContextSize = 512 } });

        // 1 layer × (4 + 4 wide K and V) × 2 KV heads × 2 bytes.
        Assert.Equal(32, model.KvBytesPerToken);
        Assert.Equal(512 * 8, LlamaGenerator.DefaultKvCacheTokens(model, 8));
    }
}
