fn main() {
    matrix_sessions::startup::start();
}
