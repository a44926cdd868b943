package io.keyshift.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyshift.generate.ExportGenerator;
import io.keyshift.support.ChildRun;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a {@code keyshift worker} (a child JVM, the built jar) prints when its broker connection is
 * cut and when it is sent a run sealed under another delivery key: one keyshift line each, no
 * Spring AMQP or RabbitMQ client report, no stack trace. The worker reaches the real RabbitMQ on
 * 127.0.0.1:5672 through a proxy in this test, which cuts every connection on demand.
 */
@Tag("slow")
class WorkerConsoleIT {

	private static final Duration STEP = Duration.ofSeconds(180);

	@TempDir
	Path tmp;

	private final String queue = "keyshift-it-" + UUID.randomUUID();

	private final List<ChildRun> children = new ArrayList<>();

	private TestDatabase db;

	private CuttableProxy proxy;

	@AfterEach
	void cleanUp() throws Exception {
		for (ChildRun child : children) {
			child.kill();
			System.out.println("--- child process " + children.indexOf(child) + ":\n" + child.output());
		}
		if (proxy != null) {
			proxy.close();
		}
		if (db != null) {
			db.close();
		}
		CachingConnectionFactory broker = new CachingConnectionFactory("127.0.0.1", 5672);
		try {
			RabbitAdmin admin = new RabbitAdmin(broker);
			admin.deleteQueue(queue);
			admin.deleteQueue(queue + ".dlq");
		}
		finally {
			broker.destroy();
		}
	}

	private Path key(String name) throws IOException {
		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		Path key = tmp.resolve(name);
		Files.writeString(key, Base64.getEncoder().encodeToString(raw));
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
		return key;
	}

	@Test
	void aLostBrokerConnectionAndARunUnderAnotherKeyAreOneLineEachWithoutStackTraces() throws Exception {
		db = TestDatabase.create(TestDatabase.Kind.POSTGRES, Files.createDirectories(tmp.resolve("db")));
		proxy = new CuttableProxy(5672);
		Path workerKey = key("worker.key");
		List<String> workerArgs = new ArrayList<>(List.of("worker", "--delivery-key-file", workerKey.toString(),
				"--keyshift.threads=2", "--keyshift.remote.queue=" + queue, "--spring.rabbitmq.host=127.0.0.1",
				"--spring.rabbitmq.port=" + proxy.port(), "--keyshift.remote.heartbeat=1s",
				"--keyshift.remote.worker-timeout=5s"));
		workerArgs.addAll(db.springArgs());
		ChildRun worker = ChildRun.start(tmp, workerArgs);
		children.add(worker);
		assertThat(worker.await(l -> l.contains("takes partitions from queue " + queue), STEP)).as(worker.output())
			.isTrue();

		proxy.cutAll();
		String broker = "127.0.0.1:" + proxy.port();
		assertThat(worker.await(l -> l.contains("worker: connected to the broker at " + broker + " again"), STEP))
			.as(worker.output())
			.isTrue();

		Path export = Files.createDirectories(tmp.resolve("export"));
		new ExportGenerator().generate(new ExportGenerator.Options(300, 11), export);
		List<String> managerArgs = new ArrayList<>(List.of("migrate", "--remote", "--input", export.toString(),
				"--delivery-key-file", key("manager.key").toString(), "--report-dir", tmp.resolve("report").toString(),
				"--keyshift.chunk-size=50", "--keyshift.remote.queue=" + queue));
		managerArgs.addAll(db.springArgs());
		ChildRun manager = ChildRun.start(tmp, managerArgs);
		children.add(manager);
		assertThat(worker.exitCode(STEP)).as(worker.output()).isEqualTo(2);

		List<String> lines = worker.output().lines().toList();
		assertThat(lines.stream().filter(l -> l.contains("worker: lost the connection to the broker at " + broker)))
			.as(worker.output())
			.hasSize(1);
		assertThat(lines.stream().filter(l -> l.contains("seals its tokens under delivery key")))
			.as(worker.output())
			.hasSize(1)
			.allMatch(l -> l.startsWith("keyshift: worker: run 1 seals its tokens under delivery key"));
		assertThat(lines).as(worker.output())
			.noneMatch(l -> l.contains("at org.") || l.contains("at com.rabbitmq") || l.strip().startsWith("at "))
			.noneMatch(l -> l.contains("Exception") && !l.contains("keyshift") && !l.contains("worker:"));
		assertThat(Files.readString(workerKey).strip()).isNotIn(lines);
	}

	@Test
	void aWorkerThoughtGoneStopsThePartitionTakenFromItInOneLineAndGoesOn() throws Exception {
		db = TestDatabase.create(TestDatabase.Kind.POSTGRES, Files.createDirectories(tmp.resolve("db")));
		Path key = key("delivery.key");
		List<String> fast = List.of("--keyshift.remote.queue=" + queue, "--keyshift.remote.heartbeat=1s",
				"--keyshift.remote.worker-timeout=5s", "--keyshift.remote.poll-interval=500ms",
				"--keyshift.chunk-size=50");
		List<String> workerArgs = new ArrayList<>(List.of("worker", "--delivery-key-file", key.toString(),
				"--keyshift.threads=1"));
		workerArgs.addAll(fast);
		workerArgs.addAll(db.springArgs());
		ChildRun paused = ChildRun.start(tmp, workerArgs);
		children.add(paused);
		assertThat(paused.await(l -> l.contains("takes partitions from queue"), STEP)).as(paused.output()).isTrue();

		Path export = Files.createDirectories(tmp.resolve("export"));
		new ExportGenerator().generate(new ExportGenerator.Options(3_000, 11), export);
		List<String> managerArgs = new ArrayList<>(List.of("migrate", "--remote", "--input", export.toString(),
				"--delivery-key-file", key.toString(), "--report-dir", tmp.resolve("report").toString()));
		managerArgs.addAll(fast);
		managerArgs.addAll(db.springArgs());
		ChildRun manager = ChildRun.start(tmp, managerArgs);
		children.add(manager);
		assertThat(paused.await(l -> l.contains("worker: running migrate:partition"), STEP)).as(manager.output())
			.isTrue();
		// frozen (a long GC pause, a stalled VM) longer than the worker timeout: thought gone, not dead
		paused.pause();
		ChildRun other = ChildRun.start(tmp, workerArgs);
		children.add(other);
		// frozen inside a chunk, it holds the claim's share lock: the hand-over waits for that chunk
		Thread.sleep(8_000);
		paused.resume();
		assertThat(manager.await(l -> l.contains("handed to another worker"), STEP)).as(manager.output()).isTrue();
		assertThat(manager.exitCode(STEP)).as(manager.output() + "\n" + other.output() + "\n" + paused.output())
			.isZero();
		assertThat(paused.await(l -> l.contains("stopped here: another worker took partition"), Duration.ofSeconds(30)))
			.as(paused.output())
			.isTrue();
		List<String> lines = paused.output().lines().toList();
		assertThat(lines.stream().filter(l -> l.contains("stopped here"))).as(paused.output()).hasSize(1);
		assertThat(lines).as(paused.output())
			.noneMatch(l -> l.contains("at org.") || l.strip().startsWith("at "))
			.noneMatch(l -> l.contains("ended failed") || l.contains("ended unknown"));
		// it goes on: still taking requests until it is stopped, then leaves cleanly
		paused.terminate();
		assertThat(paused.exitCode(STEP)).as(paused.output()).isZero();
		assertThat(db.jdbc()
			.queryForList("select user_id || ':' || kind from token_notification order by user_id", String.class))
			.isNotEmpty()
			.doesNotHaveDuplicates();
	}

	/** A TCP proxy to a local port whose connections the test can cut, like a network that fails. */
	static final class CuttableProxy implements AutoCloseable {

		private final ServerSocket server;

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		CuttableProxy(int target) throws IOException {
			server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(() -> {
				while (!server.isClosed()) {
					try {
						Socket client = server.accept();
						Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
						sockets.add(client);
						sockets.add(upstream);
						pump(client, upstream);
						pump(upstream, client);
					}
					catch (IOException ex) {
						// closed
					}
				}
			}, "proxy-accept");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		private static void pump(Socket from, Socket to) {
			Thread pump = new Thread(() -> {
				try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
					in.transferTo(out);
				}
				catch (IOException ex) {
					// cut
				}
				finally {
					try {
						to.close();
						from.close();
					}
					catch (IOException ex) {
						// closed already
					}
				}
			}, "proxy-pump");
			pump.setDaemon(true);
			pump.start();
		}

		int port() {
			return server.getLocalPort();
		}

		void cutAll() throws IOException {
			for (Socket socket : sockets) {
				socket.close();
			}
			sockets.clear();
		}

		@Override
		public void close() throws IOException {
			server.close();
			cutAll();
		}
	}
}
