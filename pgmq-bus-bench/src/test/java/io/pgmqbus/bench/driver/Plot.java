// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;

/**
 * plot.png: the latency distributions (CDF, log scale), throughput per configuration (raw PGMQ, PGMQ
 * in the application, bus, JMS) and the cost of a publish by number of subscribers, drawn with
 * Java2D (headless).
 */
final class Plot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0x7f7f7f)};
    private static final Color GRID = new Color(0xdddddd);
    private static final int W = 340;
    private static final int H = 330;

    private final Map<String, Object> machine;
    private final List<Result> results;
    private Graphics2D g;

    Plot(Map<String, Object> machine, List<Result> results) {
        this.machine = machine;
        this.results = results;
    }

    void write(Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(1260, 470, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 1260, 470);
            text(630, 22, "pgmq-bus benchmark " + machine.getOrDefault("date", "") + ", " + machine.getOrDefault("cpus", "?")
                    + " CPUs, load " + machine.getOrDefault("load_start", "?") + " -> " + machine.getOrDefault("load_end", "?"), 0, 14);
            latencyPanel(50, 60);
            throughputPanel(470, 60);
            fanOutPanel(890, 60);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private void latencyPanel(int x0, int y0) {
        text(x0 + W / 2.0, y0 - 12, "Commit -> onMessage at a fixed rate, CDF (ms, log)", 0, 13);
        frame(x0, y0);
        double lo = -1;
        double hi = 3; // 0.1 ms .. 1000 ms
        for (int e = -1; e <= 3; e++) {
            double x = x0 + (e - lo) / (hi - lo) * W;
            line(x, y0 + H, x, y0, GRID);
            text(x, y0 + H + 16, e < 0 ? "0.1" : String.valueOf((long) Math.pow(10, e)), 0, 11);
        }
        for (int q = 0; q <= 4; q++) {
            double y = y0 + H - q * H / 4.0;
            line(x0, y, x0 + W, y, GRID);
            text(x0 - 5, y + 4, q * 25 + "%", 1, 11);
        }
        int legend = 0;
        for (Result r : results) {
            if (r.samplesMicros == null || r.samplesMicros.length == 0) {
                continue;
            }
            long[] sorted = r.samplesMicros.clone();
            Arrays.sort(sorted);
            Path2D.Double curve = new Path2D.Double();
            for (int i = 0; i < sorted.length; i++) {
                double ms = Math.max(0.1, sorted[i] / 1000.0);
                double x = x0 + (Math.min(hi, Math.log10(ms)) - lo) / (hi - lo) * W;
                double y = y0 + H - (i + 1.0) / sorted.length * H;
                if (i == 0) {
                    curve.moveTo(x, y);
                } else {
                    curve.lineTo(x, y);
                }
            }
            Color c = COLORS[legend % COLORS.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2f));
            g.draw(curve);
            g.setStroke(new BasicStroke(1f));
            legend(x0 + 10, y0 + 18 + 16 * legend++, c, r.name + " (p50 " + Report.fmt(r.number("latency_p50_ms")) + " ms)");
        }
    }

    private void throughputPanel(int x0, int y0) {
        text(x0 + W / 2.0, y0 - 12, "Throughput, msgs/s acknowledged (publishers x sessions)", 0, 13);
        frame(x0, y0);
        List<String> groups = List.of("1 x 1", "1 x 4", "4 x 1", "4 x 4");
        String[] series = {"raw PGMQ", "PGMQ in the application", "bus", "JMS"};
        int[] color = {4, 1, 0, 2};
        double[][] v = new double[groups.size()][series.length];
        double max = 1;
        for (int i = 0; i < groups.size(); i++) {
            for (int k = 0; k < series.length; k++) {
                v[i][k] = throughput(series[k], groups.get(i));
                max = Double.isNaN(v[i][k]) ? max : Math.max(max, v[i][k]);
            }
        }
        bars(x0, y0, v, niceCeiling(max), groups, k -> COLORS[color[k]]);
        for (int k = 0; k < series.length; k++) {
            legend(x0 + 10, y0 + 18 + 16 * k, COLORS[color[k]], series[k]);
        }
    }

    private double throughput(String series, String group) {
        String[] pc = group.split(" x ");
        for (Result r : results) {
            boolean match = switch (series) {
                case "raw PGMQ" -> r.scenario.startsWith("1") && r.metrics.containsKey("consumers");
                case "PGMQ in the application" -> r.scenario.startsWith("8");
                case "bus" -> r.scenario.startsWith("3");
                default -> r.scenario.startsWith("6") && r.metrics.containsKey("consumers");
            };
            if (match && String.valueOf(r.metrics.get("producers")).equals(pc[0])
                    && String.valueOf(r.metrics.get("consumers")).equals(pc[1])) {
                return r.number("msgs_per_s");
            }
        }
        return Double.NaN;
    }

    private void fanOutPanel(int x0, int y0) {
        text(x0 + W / 2.0, y0 - 12, "Fan-out: ms per publish (mean) by subscribers", 0, 13);
        frame(x0, y0);
        int[] subs = {1, 4, 16};
        String[] backends = {"direct", "isolated"};
        double[][] v = new double[subs.length][backends.length];
        double max = 0.1;
        for (int i = 0; i < subs.length; i++) {
            for (int k = 0; k < backends.length; k++) {
                v[i][k] = Double.NaN;
                for (Result r : results) {
                    if (r.scenario.startsWith("4") && backends[k].equals(r.metrics.get("backend"))
                            && Integer.valueOf(subs[i]).equals(r.metrics.get("subscribers"))) {
                        v[i][k] = 1000.0 / r.number("publishes_per_s");
                        max = Math.max(max, v[i][k]);
                    }
                }
            }
        }
        double send = Double.NaN;
        for (Result r : results) {
            if (r.scenario.startsWith("1") && r.name.equals("send, 1 client")) {
                send = 1000.0 / r.number("msgs_per_s");
            }
        }
        max = niceCeiling(max);
        bars(x0, y0, v, max, List.of("1 sub", "4 subs", "16 subs"), k -> COLORS[k == 0 ? 0 : 3]);
        legend(x0 + 10, y0 + 18, COLORS[0], "direct");
        legend(x0 + 10, y0 + 34, COLORS[3], "isolated");
        if (!Double.isNaN(send)) {
            double y = y0 + H - send / max * H;
            g.setColor(COLORS[4]);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            g.draw(new java.awt.geom.Line2D.Double(x0, y, x0 + W, y));
            g.setStroke(new BasicStroke(1f));
            legend(x0 + 10, y0 + 50, COLORS[4], "raw pgmq.send, 1 client (same run)");
        }
    }

    /** Grouped bars: {@code v[group][series]} (NaN: no bar) on a scale 0..max, with the y axis and group labels. */
    private void bars(int x0, int y0, double[][] v, double max, List<String> groups, IntFunction<Color> color) {
        for (int q = 0; q <= 4; q++) {
            double y = y0 + H - q * H / 4.0;
            line(x0, y, x0 + W, y, GRID);
            text(x0 - 5, y + 4, Report.fmt(max * q / 4), 1, 11);
        }
        double groupW = W / (double) groups.size();
        for (int i = 0; i < groups.size(); i++) {
            double barW = groupW / (v[i].length + 1);
            for (int k = 0; k < v[i].length; k++) {
                if (!Double.isNaN(v[i][k])) {
                    double h = v[i][k] / max * H;
                    g.setColor(color.apply(k));
                    g.fill(new java.awt.geom.Rectangle2D.Double(x0 + i * groupW + barW * (k + 0.5), y0 + H - h, barW, h));
                }
            }
            text(x0 + i * groupW + groupW / 2, y0 + H + 16, groups.get(i), 0, 11);
        }
    }

    private static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private void frame(int x0, int y0) {
        g.setColor(Color.DARK_GRAY);
        g.drawRect(x0, y0, W, H);
    }

    private void legend(double x, double y, Color color, String label) {
        g.setColor(color);
        g.fill(new java.awt.geom.Rectangle2D.Double(x, y - 9, 12, 10));
        text(x + 16, y, label, -1, 11);
    }

    private void line(double x1, double y1, double x2, double y2, Color color) {
        g.setColor(color);
        g.draw(new java.awt.geom.Line2D.Double(x1, y1, x2, y2));
    }

    /** Text at (x, baseline y): align -1 left, 0 centred, 1 right. */
    private void text(double x, double y, String text, int align, int size) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
        int width = g.getFontMetrics().stringWidth(text);
        double left = align < 0 ? x : align == 0 ? x - width / 2.0 : x - width;
        g.drawString(text, (float) left, (float) y);
    }
}
