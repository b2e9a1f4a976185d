using Agents.Backends.Llama;
using Agents.Testing;

namespace Agents.Backends.Llama.Tests.Loading;

/// <summary><see cref="LlamaModel.LoadAsync"/>: progress, sharing, cancellation and errors, on copies of the test model.</summary>
public sealed class LlamaModelLoadAsyncTests : IDisposable
{
    private readonly string _tempDirectory = Directory.CreateTempSubdirectory("llama-load-async-").FullName;

    public void Dispose() => Directory.Delete(_tempDirectory, recursive: true);

    [Fact]
    public async Task LoadAsync_FreshFile_ReportsRisingProgressEndingAtOne()
    {
        // A copy under a new path is a file no other test has loaded: this load really runs in llama.cpp.
        var path = CopyOfTestModel("fresh.gguf");
        var reported = new RecordingProgress();

        using var model = await LlamaModel.LoadAsync(new LlamaModelOptions { Load = { ModelPath = path } }, progress: reported);

        var values = reported.Values;
        Assert.Equal(32000, model.Info.VocabularySize);
        Assert.True(values.Count >= 2, $"expected progress during the load and at its end, got [{string.Join(", ", values)}]");
        Assert.True(values[0] < 1f, $"the first report should come before the load finished, got {values[0]}");
        Assert.Equal(1f, values[^1]);
        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(values.OrderBy(v => v), values);
        Assert.Equal(values.Distinct().Count(), values.Count);
    }

    [Fact]
    public async Task LoadAsync_AlreadyLoaded_SharesTheWeightsAndReportsOnlyOne()
    {
        var path = CopyOfTestModel("shared.gguf");
        using var first = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = path } });
        var reported = new RecordingProgress();

        using var second = await LlamaModel.LoadAsync(new LlamaModelOptions { Load = { ModelPath = path, ContextSize = 128 } }, progress: reported);

        Assert.Same(first.Weights, second.Weights);
        Assert.Equal(128, second.ContextWindow);
        Assert.Equal([1f], reported.Values);
    }

    [Fact]
    public async Task LoadAsync_ThenLoad_SharesOneLoad()
    {
        var path = CopyOfTestModel("async-first.gguf");

        using var first = await LlamaModel.LoadAsync(new LlamaModelOptions { Load = { ModelPath = path } });
        using var second = LlamaModel.Load(new LlamaModelOptions { Load = { ModelPath = path } });

        Assert.Same(first.Weights, second.Weights);
    }

    [Fact]
    public async Task LoadAsync_CancelledWhileLoading_ThrowsAndALaterLoadSucceeds()
    {
        var path = CopyOfTestModel("cancelled.gguf");
        using var cancellation = new CancellationTokenSource();
        var reported = new RecordingProgress(cancellation.Cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => LlamaModel.LoadAsync(new LlamaModelOptions { Load = { ModelPath = path } }, progress: reported, cancellationToken: cancellation.Token));

        Assert.DoesNotContain(1f, reported.Values);
        using var model = await LlamaModel.LoadAsync(new LlamaModelOptions { Load = { ModelPath = path } });
        Assert.Equal(32000, model.Info.VocabularySize);
    }

    [Fact]
    public async Task LoadAsync_CancelledBeforeStart_ThrowsWithoutReporting()
    {
        var reported = new RecordingProgress();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => LlamaModel.LoadAsync(new LlamaModelOptions { Load = { ModelPath = TestModel.Path } }, progress: reported, cancellationToken: new CancellationToken(true)));

        Assert.Empty(reported.Values);
    }

    [Fact]
    public async Task LoadAsync_TextFile_ThrowsModelLoadExceptionNamingTheMagic()
    {
        var path = Path.Combine(_tempDirectory, "text.gguf");
        await File.WriteAllTextAsync(path, "this is text, not weights, and long enough to hold a header");

        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => LlamaModel.LoadAsync(new LlamaModelOptions { Load = { ModelPath = path } }));

        Assert.Equal(path, ex.Path);
        Assert.Contains("GGUF", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_TruncatedTensorData_ThrowsModelLoadExceptionWithNativeReason()
    {
        var path = Path.Combine(_tempDirectory, "truncated.gguf");
        var bytes = await File.ReadAllBytesAsync(TestModel.Path);
        await File.WriteAllBytesAsync(path, bytes[..1_000_000]);

        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => LlamaModel.LoadAsync(new LlamaModelOptions { Load = { ModelPath = path } }));

        Assert.Equal(path, ex.Path);
        Assert.DoesNotContain("without logging a reason", ex.Reason, StringComparison.Ordinal);
    }

    private string CopyOfTestModel(string name)
    {
        var path = Path.Combine(_tempDirectory, name);
        File.Copy(TestModel.Path, path);
        return path;
    }

    /// <summary>Records every value synchronously, on the thread that reports it; optionally acts on the first.</summary>
    private sealed class RecordingProgress(Action? onFirst = null) : IProgress<float>
    {
        private readonly Lock _gate = new();
        private readonly List<float> _values = [];

        public IReadOnlyList<float> Values
        {
            get
            {
                lock (_gate)
                {
                    return [.. _values];
                }
            }
        }

        public void Report(float value)
        {
            bool first;
            lock (_gate)
            {
                first = _values.Count == 0;
                _values.Add(value);
            }

            if (first)
            {
                onFirst?.Invoke();
            }
        }
    }
}
